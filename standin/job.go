package standin

import (
	"context"
	"sync"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/internal/sdkquiet"
)

// joinTimeout bounds joining a job's room.
const joinTimeout = 15 * time.Second

// job is one accepted job: the agent participant in its room.
type job struct {
	w      *Worker
	info   Event // the job_started fields, reused for job_ended
	stopCh chan string
	once   sync.Once
}

// stop asks the job to end for reason; the first reason wins.
func (j *job) stop(reason string) {
	j.once.Do(func() { j.stopCh <- reason })
}

// startJob registers the job and runs it in the background; a worker that
// is closing fails the job instead.
func (w *Worker) startJob(a *livekit.JobAssignment) {
	lj := a.GetJob()
	j := &job{
		w: w,
		info: Event{
			WorkerID:    w.id,
			AgentName:   lj.GetAgentName(),
			Room:        lj.GetRoom().GetName(),
			DispatchID:  lj.GetDispatchId(),
			JobID:       lj.GetId(),
			Metadata:    lj.GetMetadata(),
			Participant: lj.GetState().GetParticipantIdentity(),
		},
		stopCh: make(chan string, 1),
	}
	w.mu.Lock()
	if w.closing {
		w.mu.Unlock()
		w.updateJob(j.info.JobID, livekit.JobStatus_JS_FAILED, "worker shutting down")
		return
	}
	w.jobs[j.info.JobID] = j
	w.jobsWG.Add(1)
	w.mu.Unlock()

	serverURL := w.wsBase.String()
	if u := a.GetUrl(); u != "" {
		serverURL = u
	}
	go j.run(serverURL, a.GetToken())
}

// run joins the room, reports the job running, and leaves when the server
// terminates the job, the room is left with no one but agents, the session
// ends or the worker closes.
func (j *job) run(serverURL, token string) {
	w := j.w
	defer func() {
		w.mu.Lock()
		delete(w.jobs, j.info.JobID)
		w.mu.Unlock()
		w.jobsWG.Done()
	}()

	p := &presence{j: j}
	r := j.join(serverURL, token, p.callbacks())
	if r == nil {
		return
	}
	if id := r.LocalParticipant.Identity(); id != "" {
		j.info.Participant = id
	}
	w.updateJob(j.info.JobID, livekit.JobStatus_JS_RUNNING, "")
	started := j.info
	started.Type = EventJobStarted
	w.emit(started)

	p.attach(r)
	endTurn := j.playTurn(r)

	reason := <-j.stopCh
	endTurn()
	// Report success before leaving: the server otherwise records an agent
	// that left its room as a failed job.
	w.updateJob(j.info.JobID, livekit.JobStatus_JS_SUCCESS, "")
	r.Disconnect()
	j.end(EventJobEnded, reason)
}

// join joins the room. When it cannot, or the worker closes meanwhile, it
// reports the job failed and returns nil.
func (j *job) join(serverURL, token string, cb *lksdk.RoomCallback) *lksdk.Room {
	sdkquiet.Silence()
	r := lksdk.NewRoom(cb)
	ctx, cancel := context.WithTimeout(context.Background(), joinTimeout)
	defer cancel()
	joined := make(chan error, 1)
	go func() {
		joined <- r.JoinWithContextAndToken(ctx, serverURL, token,
			lksdk.WithAutoSubscribe(false), lksdk.WithLogger(sdkquiet.Discard()))
	}()
	var reason string
	select {
	case err := <-joined:
		if err == nil {
			return r
		}
		reason = "joining the room: " + err.Error()
	case reason = <-j.stopCh: // worker closing mid-join
		cancel()
		<-joined
	}
	r.Disconnect()
	j.w.updateJob(j.info.JobID, livekit.JobStatus_JS_FAILED, reason)
	j.end(EventJobFailed, reason)
	return nil
}

// presence ends the job once the room, having had a person in it, holds
// no one but agents.
type presence struct {
	j        *job
	mu       sync.Mutex
	sawHuman bool
	room     *lksdk.Room // nil until joined
}

// callbacks follow the people in the room and end the job with the session.
func (p *presence) callbacks() *lksdk.RoomCallback {
	cb := lksdk.NewRoomCallback()
	cb.OnParticipantConnected = func(*lksdk.RemoteParticipant) { p.changed() }
	cb.OnParticipantDisconnected = func(*lksdk.RemoteParticipant) { p.changed() }
	cb.OnDisconnectedWithReason = func(reason lksdk.DisconnectionReason) {
		p.j.stop("disconnected: " + string(reason))
	}
	return cb
}

// attach starts counting on the joined room, with the people already there.
func (p *presence) attach(r *lksdk.Room) {
	p.mu.Lock()
	p.room = r
	p.mu.Unlock()
	p.changed()
}

func (p *presence) changed() {
	p.mu.Lock()
	r := p.room
	p.mu.Unlock()
	if r == nil {
		return
	}
	humans := 0
	for _, rp := range r.GetRemoteParticipants() {
		if rp.Kind() != lksdk.ParticipantAgent {
			humans++
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if humans > 0 {
		p.sawHuman = true
	} else if p.sawHuman {
		p.j.stop("room empty")
	}
}

// playTurn plays Config.Say's turn in the background (see say) and
// reports it; the returned func cuts it short and waits for it.
func (j *job) playTurn(r *lksdk.Room) func() {
	text := j.w.cfg.Say
	if text == "" {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ev := j.info
		ev.Type = EventSaid
		if err := say(ctx, r, text); err != nil {
			ev.Reason = err.Error()
		}
		j.w.emit(ev)
	}()
	return func() {
		cancel()
		<-done
	}
}

func (j *job) end(kind, reason string) {
	ev := j.info
	ev.Type = kind
	ev.Reason = reason
	j.w.emit(ev)
}

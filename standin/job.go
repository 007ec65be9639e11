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

	var (
		mu       sync.Mutex
		sawHuman bool
		room     *lksdk.Room
	)
	onPeople := func() {
		mu.Lock()
		r := room
		mu.Unlock()
		if r == nil {
			return
		}
		humans := 0
		for _, p := range r.GetRemoteParticipants() {
			if p.Kind() != lksdk.ParticipantAgent {
				humans++
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if humans > 0 {
			sawHuman = true
		} else if sawHuman {
			j.stop("room empty")
		}
	}
	cb := lksdk.NewRoomCallback()
	cb.OnParticipantConnected = func(*lksdk.RemoteParticipant) { onPeople() }
	cb.OnParticipantDisconnected = func(*lksdk.RemoteParticipant) { onPeople() }
	cb.OnDisconnectedWithReason = func(reason lksdk.DisconnectionReason) {
		j.stop("disconnected: " + string(reason))
	}

	sdkquiet.Silence()
	r := lksdk.NewRoom(cb)
	ctx, cancel := context.WithTimeout(context.Background(), joinTimeout)
	joined := make(chan error, 1)
	go func() {
		joined <- r.JoinWithContextAndToken(ctx, serverURL, token,
			lksdk.WithAutoSubscribe(false), lksdk.WithLogger(sdkquiet.Discard()))
	}()
	var err error
	select {
	case err = <-joined:
	case reason := <-j.stopCh: // worker closing mid-join
		cancel()
		<-joined
		r.Disconnect()
		w.updateJob(j.info.JobID, livekit.JobStatus_JS_FAILED, reason)
		j.end(EventJobFailed, reason)
		return
	}
	cancel()
	if err != nil {
		r.Disconnect()
		w.updateJob(j.info.JobID, livekit.JobStatus_JS_FAILED, "joining the room: "+err.Error())
		j.end(EventJobFailed, "joining the room: "+err.Error())
		return
	}
	if id := r.LocalParticipant.Identity(); id != "" {
		j.info.Participant = id
	}
	w.updateJob(j.info.JobID, livekit.JobStatus_JS_RUNNING, "")
	started := j.info
	started.Type = EventJobStarted
	w.emit(started)

	mu.Lock()
	room = r
	mu.Unlock()
	onPeople() // people already there when we joined
	endTurn := j.playTurn(r)

	reason := <-j.stopCh
	endTurn()
	// Report success before leaving: the server otherwise records an agent
	// that left its room as a failed job.
	w.updateJob(j.info.JobID, livekit.JobStatus_JS_SUCCESS, "")
	r.Disconnect()
	j.end(EventJobEnded, reason)
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

// Package standin is a stand-in LiveKit agent: a worker that registers with
// the server over the agent worker protocol (WebSocket /agent, the
// livekit.WorkerMessage / livekit.ServerMessage protobufs), accepts every
// job offered and joins each job's room as the agent participant. It
// exists so dispatch can be seen working end to end without writing an
// agent; with Config.Say it also plays one turn of a conversation (voice,
// agent state, transcription) in each room.
package standin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/proto"

	"github.com/lkdash/lkdash/tokens"
)

// registerTimeout bounds the handshake when ctx has no earlier deadline;
// the server itself gives a worker 10 s to register.
const registerTimeout = 10 * time.Second

// pongTimeout bounds the wait for the Pong that confirms registration.
const pongTimeout = 2 * time.Second

// writeTimeout bounds one message to the server.
const writeTimeout = 5 * time.Second

// EventBuffer is the capacity of Worker.Events; when the reader falls this
// far behind, the oldest event is dropped so the worker never blocks.
const EventBuffer = 64

// Config says where to register and under which agent name.
type Config struct {
	// URL is the server, ws(s):// or http(s)://.
	URL string
	// APIKey and APISecret sign the worker's token (video grant "agent").
	APIKey, APISecret string
	// AgentName is what dispatches must name. Empty registers for
	// automatic dispatch: the server sends such a worker every new room
	// that has no explicit dispatch.
	AgentName string
	// Now stamps events; nil means time.Now.
	Now func() time.Time
	// Say, when set, makes the agent play one turn in each room it joins:
	// it publishes the demo tone as its voice, moves its lk.agent.state
	// listening → speaking → listening and sends Say as the transcription
	// of that voice, so agent state and transcriptions can be seen
	// without a real agent.
	Say string
}

// Worker is one registered worker. Events arrive on Events until the
// connection ends; Close deregisters.
type Worker struct {
	cfg           Config
	wsBase        *url.URL
	conn          *websocket.Conn
	id            string
	serverVersion string
	regPath       string // this worker's registry file, if written

	writeMu sync.Mutex
	events  chan Event

	mu      sync.Mutex
	jobs    map[string]*job
	closing bool
	err     error // why the connection ended, if not Close

	// early holds what the server sent while the handshake waited for its
	// Pong; readLoop handles it first.
	early []*livekit.ServerMessage

	jobsWG    sync.WaitGroup
	readDone  chan struct{}
	closeOnce sync.Once
}

// Register dials the server's /agent endpoint, registers a JT_ROOM worker
// and returns once the server has accepted it. ctx bounds the handshake
// only; the worker runs until Close or until the server goes away.
func Register(ctx context.Context, cfg Config) (*Worker, error) {
	if cfg.APIKey == "" || cfg.APISecret == "" {
		return nil, errors.New("standin: a worker needs the API key and secret")
	}
	wsBase, _, err := tokens.ServerURLs(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("standin: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	token, err := auth.NewAccessToken(cfg.APIKey, cfg.APISecret).
		SetVideoGrant(&auth.VideoGrant{Agent: true}).
		SetValidFor(time.Hour).ToJWT()
	if err != nil {
		return nil, fmt.Errorf("standin: signing the worker token: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, registerTimeout)
	defer cancel()

	endpoint := *wsBase
	endpoint.Path = strings.TrimSuffix(endpoint.Path, "/") + "/agent"
	hdr := http.Header{"Authorization": {"Bearer " + token}}
	conn, resp, err := websocket.DefaultDialer.DialContext(ctx, endpoint.String(), hdr)
	if err != nil {
		return nil, dialError(endpoint.Redacted(), resp, err)
	}
	w := &Worker{
		cfg:      cfg,
		wsBase:   wsBase,
		conn:     conn,
		events:   make(chan Event, EventBuffer),
		jobs:     map[string]*job{},
		readDone: make(chan struct{}),
	}
	if err := w.handshake(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	w.advertise()
	w.emit(Event{Type: EventRegistered, WorkerID: w.id, AgentName: cfg.AgentName, ServerVersion: w.serverVersion})
	go w.readLoop()
	return w, nil
}

// dialError turns a failed upgrade into a readable error, quoting (a
// bounded prefix of) what the server said.
func dialError(endpoint string, resp *http.Response, err error) error {
	if resp == nil {
		return fmt.Errorf("standin: connecting to %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	msg := strings.TrimSpace(string(body))
	if msg == "" {
		msg = err.Error()
	}
	return fmt.Errorf("standin: %s refused the worker (HTTP %d): %s", endpoint, resp.StatusCode, msg)
}

// handshake sends Register and waits for the server's answer.
func (w *Worker) handshake(ctx context.Context) error {
	err := w.send(&livekit.WorkerMessage{Message: &livekit.WorkerMessage_Register{
		Register: &livekit.RegisterWorkerRequest{
			Type:      livekit.JobType_JT_ROOM,
			AgentName: w.cfg.AgentName,
			Version:   "lkdash-standin",
		},
	}})
	if err != nil {
		return fmt.Errorf("standin: sending Register: %w", err)
	}
	deadline, _ := ctx.Deadline()
	_ = w.conn.SetReadDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = w.conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	for {
		msg, err := w.read()
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("standin: no answer to Register: %w", ctx.Err())
			}
			return fmt.Errorf("standin: waiting for the Register answer: %w", err)
		}
		if reg := msg.GetRegister(); reg != nil {
			w.id = reg.GetWorkerId()
			w.serverVersion = reg.GetServerInfo().GetVersion()
			break
		}
	}
	if err := w.awaitPong(ctx); err != nil {
		return err
	}
	return w.conn.SetReadDeadline(time.Time{})
}

// awaitPong makes "registered" mean "dispatchable". livekit-server answers
// Register before it records the worker and tells its rooms about it
// (registerWorker in pkg/service/agentservice.go), so a room that starts in
// that gap is told no worker exists and never asks again. The server reads
// a Ping only after recording the worker, so its Pong closes the gap.
// Anything else that arrives first is kept for readLoop.
func (w *Worker) awaitPong(ctx context.Context) error {
	err := w.send(&livekit.WorkerMessage{Message: &livekit.WorkerMessage_Ping{
		Ping: &livekit.WorkerPing{Timestamp: w.cfg.Now().UnixMilli()},
	}})
	if err != nil {
		return fmt.Errorf("standin: sending Ping: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, pongTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { _ = w.conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	for {
		msg, err := w.read()
		if err != nil {
			return fmt.Errorf("standin: the server accepted the worker but did not answer its Ping within %s: %w", pongTimeout, err)
		}
		if msg.GetPong() != nil {
			return nil
		}
		w.early = append(w.early, msg)
	}
}

// ID is the worker id the server assigned.
func (w *Worker) ID() string { return w.id }

// AgentName is the name the worker registered.
func (w *Worker) AgentName() string { return w.cfg.AgentName }

// Events delivers what the worker does; it is closed once the connection
// has ended and every job has finished.
func (w *Worker) Events() <-chan Event { return w.events }

// Done is closed when the connection to the server has ended.
func (w *Worker) Done() <-chan struct{} { return w.readDone }

// Err is why the connection ended, nil after Close or while it runs.
func (w *Worker) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close deregisters: it ends each running job (reported to the server as
// finished, then leaving its room), says goodbye with a WebSocket close
// frame, which is how the server learns the worker is gone, and waits
// until everything has stopped. Safe to call more than once.
func (w *Worker) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.closing = true
		jobs := make([]*job, 0, len(w.jobs))
		for _, j := range w.jobs {
			jobs = append(jobs, j)
		}
		w.mu.Unlock()
		for _, j := range jobs {
			j.stop("worker shutting down")
		}
		w.jobsWG.Wait()
		w.writeMu.Lock()
		_ = w.conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, "worker shutting down"),
			time.Now().Add(writeTimeout))
		w.writeMu.Unlock()
		select {
		case <-w.readDone:
		case <-time.After(writeTimeout):
		}
		w.conn.Close()
		<-w.readDone
	})
	return nil
}

// readLoop handles server messages until the connection ends.
func (w *Worker) readLoop() {
	defer func() {
		w.jobsWG.Wait()
		close(w.events)
	}()
	defer close(w.readDone)
	defer w.unadvertise()
	for _, msg := range w.early {
		w.handle(msg)
	}
	w.early = nil
	for {
		msg, err := w.read()
		if err != nil {
			w.mu.Lock()
			if !w.closing && !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				w.err = fmt.Errorf("standin: connection to the server ended: %w", err)
			}
			jobs := make([]*job, 0, len(w.jobs))
			for _, j := range w.jobs {
				jobs = append(jobs, j)
			}
			w.mu.Unlock()
			for _, j := range jobs {
				j.stop("worker connection ended")
			}
			return
		}
		w.handle(msg)
	}
}

// handle acts on one server message.
func (w *Worker) handle(msg *livekit.ServerMessage) {
	switch m := msg.Message.(type) {
	case *livekit.ServerMessage_Availability:
		w.answerAvailability(m.Availability)
	case *livekit.ServerMessage_Assignment:
		w.startJob(m.Assignment)
	case *livekit.ServerMessage_Termination:
		w.mu.Lock()
		j := w.jobs[m.Termination.GetJobId()]
		w.mu.Unlock()
		if j != nil {
			j.stop("terminated by the server")
		}
	}
}

// answerAvailability accepts every job while the worker is not closing; the
// agent participant's identity follows the agents framework ("agent-<job>").
func (w *Worker) answerAvailability(req *livekit.AvailabilityRequest) {
	jobID := req.GetJob().GetId()
	w.mu.Lock()
	available := !w.closing
	w.mu.Unlock()
	name := w.cfg.AgentName
	if name == "" {
		name = "lkdash stand-in"
	}
	_ = w.send(&livekit.WorkerMessage{Message: &livekit.WorkerMessage_Availability{
		Availability: &livekit.AvailabilityResponse{
			JobId:               jobID,
			Available:           available,
			ParticipantIdentity: "agent-" + jobID,
			ParticipantName:     name,
		},
	}})
}

// updateJob reports a job's status to the server.
func (w *Worker) updateJob(jobID string, status livekit.JobStatus, errText string) {
	_ = w.send(&livekit.WorkerMessage{Message: &livekit.WorkerMessage_UpdateJob{
		UpdateJob: &livekit.UpdateJobStatus{JobId: jobID, Status: status, Error: errText},
	}})
}

func (w *Worker) send(msg *livekit.WorkerMessage) error {
	data, err := proto.Marshal(msg)
	if err != nil {
		return err
	}
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	_ = w.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	return w.conn.WriteMessage(websocket.BinaryMessage, data)
}

// read returns the next server message; text frames are protojson, which
// the server only sends to workers that wrote JSON first, but cost nothing
// to accept.
func (w *Worker) read() (*livekit.ServerMessage, error) {
	for {
		mt, data, err := w.conn.ReadMessage()
		if err != nil {
			return nil, err
		}
		if mt != websocket.BinaryMessage {
			continue
		}
		msg := &livekit.ServerMessage{}
		if err := proto.Unmarshal(data, msg); err != nil {
			return nil, fmt.Errorf("standin: undecodable server message: %w", err)
		}
		return msg, nil
	}
}

// emit queues an event with drop-oldest, never blocking.
func (w *Worker) emit(ev Event) {
	ev.At = w.cfg.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		select {
		case w.events <- ev:
			return
		default:
		}
		select {
		case <-w.events:
		default:
		}
	}
}

package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/room"
)

// DataSession is a Session that sends text, files and RPC calls to other
// participants (*room.Session is one); the Data panel's send form works
// when the joined session is one. Each call blocks until done and emits
// its event (TextStreamSent, ByteStreamSent, RPCResult).
type DataSession interface {
	Session
	SendText(ctx context.Context, topic, text string) (room.TextStreamSent, error)
	SendFile(ctx context.Context, topic, path string) (room.ByteStreamSent, error)
	CallRPC(ctx context.Context, c room.RPCCall) (room.RPCResult, error)
	// ReceiveTopic starts receiving text and byte streams on topic.
	ReceiveTopic(topic string) error
}

// sendKind is what the send form sends.
type sendKind int

const (
	sendText sendKind = iota // a text stream on a topic
	sendFile                 // a file as a byte stream on a topic
	sendRPC                  // an RPC call to a participant's method
	numSendKinds
)

func (k sendKind) String() string { return [...]string{"text", "file", "rpc"}[k] }

// sendRequest is one send the user asked for; seq identifies it to the
// panel that waits for its outcome.
type sendRequest struct {
	seq     int
	kind    sendKind
	topic   string // text and file; the method for rpc
	body    string // the text, the file's path, the rpc payload
	to      string // rpc: the callee's identity
	timeout time.Duration
}

// describe is the request in a few words, for the pending line and status.
func (r sendRequest) describe() string {
	switch r.kind {
	case sendFile:
		return "sending " + filepath.Base(r.body) + " on " + r.topic
	case sendRPC:
		return "calling " + r.to + " " + r.topic
	}
	return "sending text on " + r.topic
}

// dataSendMsg asks the root to send.
type dataSendMsg struct{ req sendRequest }

// dataSendDoneMsg is how a send ended; join drops the outcome of a send
// from a session that is over.
type dataSendDoneMsg struct {
	join int
	seq  int
	text string // the outcome in words
	err  error
}

// dataCapsMsg tells the Data panel whether it may send.
type dataCapsMsg struct{ send bool }

// rpcTimeout is how long the form's RPC calls wait for the answer (the
// SDK's default).
const rpcTimeout = 15 * time.Second

// startSend runs a send off the update loop and brings the Data panel
// forward, where its outcome will show; a topic sent on is also received,
// in this session and the next ones, so answers on it show too.
func (m Model) startSend(req sendRequest) (Model, tea.Cmd) {
	ds, ok := m.sess.(DataSession)
	if !ok || m.join != joined {
		return m, m.send(pData, dataSendDoneMsg{join: m.joinID, seq: req.seq, err: errNotJoined})
	}
	m.bringForward(pData)
	if req.kind != sendRPC && !slices.Contains(m.topics, req.topic) {
		m.topics = append(m.topics, req.topic)
	}
	ctx, id := m.ctx, m.joinID
	return m, func() tea.Msg {
		text, err := runSend(ctx, ds, req)
		return dataSendDoneMsg{join: id, seq: req.seq, text: text, err: err}
	}
}

// runSend makes the call; the session's event has the details.
func runSend(ctx context.Context, ds DataSession, req sendRequest) (string, error) {
	switch req.kind {
	case sendRPC:
		ctx, cancel := context.WithTimeout(ctx, req.timeout+10*time.Second)
		defer cancel()
		res, err := ds.CallRPC(ctx, room.RPCCall{Destination: req.to, Method: req.topic, Payload: req.body, Timeout: req.timeout})
		if err != nil {
			return "", err
		}
		if !res.OK {
			return "rpc " + req.to + " " + req.topic + ": " + orDash(res.Error) + " after " + format.Latency(res.RTT), nil
		}
		return "rpc " + req.to + " " + req.topic + ": answered in " + format.Latency(res.RTT), nil
	case sendFile:
		_ = ds.ReceiveTopic(req.topic)
		ev, err := ds.SendFile(ctx, req.topic, expandHome(req.body))
		if err != nil {
			return "", err
		}
		return "sent " + ev.Name + " (" + format.Bytes(int64(ev.Size)) + ") on " + req.topic, nil
	}
	_ = ds.ReceiveTopic(req.topic)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ev, err := ds.SendText(ctx, req.topic, req.body)
	if err != nil {
		return "", err
	}
	return "sent " + format.Bytes(int64(ev.Size)) + " of text on " + req.topic, nil
}

// expandHome reads a leading "~/" as the home directory, as a shell would.
func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}

// onSendDone passes a send's outcome to the panel and the status line,
// unless its session is over.
func (m Model) onSendDone(msg dataSendDoneMsg) (Model, tea.Cmd) {
	if msg.join != m.joinID {
		return m, nil
	}
	if msg.err != nil {
		m.setStatus("send failed: "+msg.err.Error(), true)
	} else {
		m.setStatus(msg.text, false)
	}
	return m, m.send(pData, msg)
}

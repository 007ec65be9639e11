package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/hooks"
	"github.com/lkdash/lkdash/internal/netguard"
	"github.com/lkdash/lkdash/internal/textsafe"
)

// hookServer receives the managed livekit-server's webhooks on a loopback
// port. It must be up before the server starts, whose config names it.
type hookServer struct {
	rcv  *hooks.Receiver
	url  string
	stop context.CancelFunc
	done chan struct{}
}

// startHookServer listens on a free loopback port for deliveries signed
// with the dev key pair.
func startHookServer() (*hookServer, error) {
	rcv, err := hooks.NewReceiver(hooks.ReceiverConfig{APIKey: devserver.DevKey, APISecret: devserver.DevSecret})
	if err != nil {
		return nil, err
	}
	ln, err := netguard.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("webhook receiver: %w", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	h := &hookServer{rcv: rcv, url: "http://" + ln.Addr().String() + "/", stop: stop, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		_ = serveUntilDone(ctx, ln, rcv)
	}()
	return h, nil
}

// overlay is the server config that sends every webhook here, in JSON (which
// is YAML): see devserver's config body for why not a YAML encoder.
func (h *hookServer) overlay() string {
	b, _ := json.Marshal(map[string]any{"webhook": map[string]any{"api_key": devserver.DevKey, "urls": []string{h.url}}})
	return string(b)
}

// Close stops listening, then closes the deliveries channel.
func (h *hookServer) Close() {
	h.stop()
	<-h.done
	h.rcv.Close()
}

// localServer is the managed deployment — one livekit-server, or a local
// cluster of nodes — and the receiver of its webhooks.
type localServer struct {
	*devserver.Server // node 1, whose URL tokens name
	cluster           *devserver.Cluster
	hooks             *hookServer
}

// startManaged starts a webhook receiver, then the managed server (nodes
// 1) or cluster sending its webhooks there.
func startManaged(ctx context.Context, s *streams, nodes int) (*localServer, error) {
	hs, err := startHookServer()
	if err != nil {
		return nil, err
	}
	c, err := startCluster(ctx, s, hs.overlay(), nodes)
	if err != nil {
		hs.Close()
		return nil, err
	}
	return &localServer{Server: c.Nodes[0], cluster: c, hooks: hs}, nil
}

// Stop stops the servers, then the receiver.
func (m *localServer) Stop() {
	_ = m.cluster.Stop()
	m.hooks.Close()
}

// logDeliveries writes one line per delivery to w until the receiver
// closes: for commands whose stdout is not a stream of events.
func logDeliveries(w io.Writer, rcv *hooks.Receiver) {
	for d := range rcv.Deliveries() {
		fmt.Fprintf(w, "lkdash: %s\n", textsafe.Line(describeDelivery(d), 400))
	}
}

// describeDelivery is one delivery for people.
func describeDelivery(d hooks.Delivery) string {
	line := "webhook " + d.Event
	for _, f := range [][2]string{{"room", d.Room}, {"participant", d.Participant}, {"track", d.Track}} {
		if f[1] != "" {
			line += fmt.Sprintf(" %s=%s", f[0], f[1])
		}
	}
	if d.Verified {
		return line + " verified"
	}
	return line + " NOT VERIFIED: " + d.Reason
}

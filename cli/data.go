package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/lkdash/lkdash/room"
)

// dataFlags are join's flags for data, streams and RPC.
type dataFlags struct {
	texts, files, calls, echoes, topics []string
	rpcTimeout                          time.Duration

	// parsed by check
	sends  []dataSend
	rpcs   []room.RPCCall
	echoed map[string]room.RPCHandler
}

// dataSend is one --send-text or --send-file.
type dataSend struct {
	topic, text, path string
}

func (d *dataFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&d.texts, "send-text", nil, "after joining, send TEXT as a text stream on TOPIC (TOPIC=TEXT; repeatable)")
	fs.StringArrayVar(&d.files, "send-file", nil, "after joining, send the file at PATH as a byte stream on TOPIC (TOPIC=PATH; repeatable)")
	fs.StringArrayVar(&d.calls, "rpc-call", nil, "after joining, call METHOD of IDENTITY with PAYLOAD and print the response or error and the round-trip time (IDENTITY:METHOD:PAYLOAD; repeatable, in order)")
	registerReceiving(fs, &d.topics, &d.echoes, nil)
	fs.DurationVar(&d.rpcTimeout, "rpc-timeout", 15*time.Second, "how long --rpc-call waits for each response")
}

// registerReceiving registers --topic and --rpc-echo, which join and the
// dashboard share.
func registerReceiving(fs *pflag.FlagSet, topics, echoes *[]string, echoDefault []string) {
	fs.StringArrayVar(echoes, "rpc-echo", echoDefault, "answer calls to METHOD with their payload (repeatable)")
	fs.StringArrayVar(topics, "topic", nil, "also receive text and byte streams on this topic (repeatable; "+strings.Join(room.DefaultTopics, " and ")+" always are)")
}

// checkEchoes refuses an --rpc-echo without a method.
func checkEchoes(echoes []string) error {
	for _, m := range echoes {
		if m == "" {
			return usageErrorf("--rpc-echo needs a method name")
		}
	}
	return nil
}

// check parses the flags before joining; every mistake is a usage error.
func (d *dataFlags) check() error {
	for _, kv := range d.texts {
		topic, text, ok := strings.Cut(kv, "=")
		if !ok || topic == "" {
			return usageErrorf("--send-text %q: want TOPIC=TEXT", kv)
		}
		d.sends = append(d.sends, dataSend{topic: topic, text: text})
	}
	for _, kv := range d.files {
		topic, path, ok := strings.Cut(kv, "=")
		if !ok || topic == "" || path == "" {
			return usageErrorf("--send-file %q: want TOPIC=PATH", kv)
		}
		st, err := os.Stat(path)
		if err != nil {
			return usageErrorf("--send-file: %v", err)
		}
		if !st.Mode().IsRegular() {
			return usageErrorf("--send-file %s: not a regular file", path)
		}
		d.sends = append(d.sends, dataSend{topic: topic, path: path})
	}
	for _, c := range d.calls {
		parts := strings.SplitN(c, ":", 3)
		if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
			return usageErrorf("--rpc-call %q: want IDENTITY:METHOD:PAYLOAD (the payload may be empty and may hold colons)", c)
		}
		if len(parts[2]) > room.MaxRPCPayload {
			return usageErrorf("--rpc-call: the payload is %d bytes, over the %d-byte RPC limit; send large data with --send-file", len(parts[2]), room.MaxRPCPayload)
		}
		d.rpcs = append(d.rpcs, room.RPCCall{Destination: parts[0], Method: parts[1], Payload: parts[2], Timeout: d.rpcTimeout})
	}
	if d.rpcTimeout <= 0 {
		return usageErrorf("--rpc-timeout must be positive")
	}
	if err := checkEchoes(d.echoes); err != nil {
		return err
	}
	for _, m := range d.echoes {
		if d.echoed == nil {
			d.echoed = map[string]room.RPCHandler{}
		}
		d.echoed[m] = room.Echo
	}
	return nil
}

// configure puts what must exist before joining into cfg.
func (d *dataFlags) configure(cfg *room.Config) {
	cfg.Topics = d.topics
	cfg.RPC = d.echoed
}

// run sends and calls, in the order given, while join prints the events
// they produce (text_stream_sent, byte_stream_sent, rpc_result); a send
// that fails is reported on stderr.
func (d *dataFlags) run(ctx context.Context, s *streams, sess *room.Session) {
	for _, snd := range d.sends {
		var err error
		if snd.path != "" {
			_, err = sess.SendFile(ctx, snd.topic, snd.path)
		} else {
			_, err = sess.SendText(ctx, snd.topic, snd.text)
		}
		if err != nil {
			fmt.Fprintf(s.err, "lkdash: sending on %q: %v\n", snd.topic, err)
		}
	}
	for _, c := range d.rpcs {
		if _, err := sess.CallRPC(ctx, c); err != nil {
			fmt.Fprintf(s.err, "lkdash: --rpc-call %s:%s: %v\n", c.Destination, c.Method, err)
		}
	}
}

// idle reports whether there is nothing to send or call.
func (d *dataFlags) idle() bool { return len(d.sends) == 0 && len(d.rpcs) == 0 }

package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
)

// sendForm is the Data panel's form: what to send (text, a file, an RPC
// call) on its first row, picked with ←/→, and that kind's fields below.
// Each kind keeps its own fields, so switching loses no typing.
type sendForm struct {
	open   bool
	kind   sendKind
	field  int // 0 is the kind row, then the kind's inputs
	inputs [numSendKinds][]textinput.Model
}

// formField describes one input of a kind.
type formField struct {
	prompt, placeholder, value string
	limit                      int
}

// sendFields are the inputs of each kind, in order: the topic (or, for
// rpc, the callee and method) first, the text, path or payload last.
var sendFields = [numSendKinds][]formField{
	sendText: {{"topic   ", "topic", room.TopicChat, 256}, {"text    ", "message", "", 16 << 10}},
	sendFile: {{"topic   ", "topic", "", 256}, {"path    ", "file to send (~/ is home)", "", 4096}},
	sendRPC:  {{"to      ", "identity", "", 256}, {"method  ", "method", "echo", 256}, {"payload ", "payload (may be empty)", "", room.MaxRPCPayload + 1}},
}

func newSendForm() sendForm {
	var f sendForm
	for k, fields := range sendFields {
		for _, fd := range fields {
			in := textinput.New()
			in.Prompt, in.Placeholder, in.CharLimit = fd.prompt, fd.placeholder, fd.limit
			in.SetValue(fd.value)
			in.Cursor.SetMode(cursor.CursorStatic)
			f.inputs[k] = append(f.inputs[k], in)
		}
	}
	return f
}

func (f *sendForm) setWidth(w int) {
	for k := range f.inputs {
		for i := range f.inputs[k] {
			f.inputs[k][i].Width = max(w-11, 1) // the marker, the prompt and the cursor take 11
		}
	}
}

// values are the current kind's inputs, trimmed except the last (a text
// or payload is sent as typed).
func (f sendForm) values() []string {
	ins := f.inputs[f.kind]
	out := make([]string, len(ins))
	for i, in := range ins {
		out[i] = in.Value()
		if i < len(ins)-1 {
			out[i] = strings.TrimSpace(out[i])
		}
	}
	return out
}

// request is the send the form describes, or false while a required field
// is empty (every one but an rpc payload).
func (f sendForm) request() (sendRequest, bool) {
	v := f.values()
	switch f.kind {
	case sendRPC:
		return sendRequest{kind: sendRPC, to: v[0], topic: v[1], body: v[2], timeout: rpcTimeout}, v[0] != "" && v[1] != ""
	case sendFile:
		return sendRequest{kind: sendFile, topic: v[0], body: strings.TrimSpace(v[1])}, v[0] != "" && strings.TrimSpace(v[1]) != ""
	}
	return sendRequest{kind: sendText, topic: v[0], body: v[1]}, v[0] != "" && v[1] != ""
}

// formKeys are the form's bindings while it is open.
type formKeys struct {
	Send, Next, Prev, Kind, Close key.Binding
}

func (f sendForm) keys() formKeys {
	_, ready := f.request()
	return formKeys{
		Send:  on(bind("enter", "send", "enter"), f.open && ready),
		Next:  on(bind("tab", "next field", "tab", "down"), f.open),
		Prev:  on(bind("shift+tab", "prev field", "shift+tab", "up"), f.open),
		Kind:  on(bind("←/→", "text/file/rpc", "left", "right"), f.open && f.field == 0),
		Close: on(bind("esc", "close form", "esc"), f.open),
	}
}

// show opens the form on its kind row.
func (f sendForm) show() sendForm {
	f.open = true
	return f.focus(0)
}

// focus moves to field i (0: the kind row), wrapping around.
func (f sendForm) focus(i int) sendForm {
	n := len(f.inputs[f.kind]) + 1
	f.field = (i%n + n) % n
	for k := range f.inputs {
		for j := range f.inputs[k] {
			f.inputs[k][j].Blur()
		}
	}
	if f.field > 0 {
		f.inputs[f.kind][f.field-1].Focus()
	}
	return f
}

// update handles a key while the form is open; a complete form sends on
// enter and stays open for the next one.
func (f sendForm) update(msg tea.KeyMsg) (sendForm, *sendRequest, tea.Cmd) {
	k := f.keys()
	switch {
	case key.Matches(msg, k.Close):
		f.open = false
		return f.focus(0), nil, nil
	case key.Matches(msg, k.Send):
		req, _ := f.request()
		return f, &req, nil
	case key.Matches(msg, k.Next):
		return f.focus(f.field + 1), nil, nil
	case key.Matches(msg, k.Prev):
		return f.focus(f.field - 1), nil, nil
	case key.Matches(msg, k.Kind):
		step := 1
		if msg.Type == tea.KeyLeft {
			step = int(numSendKinds) - 1
		}
		f.kind = (f.kind + sendKind(step)) % numSendKinds
		return f, nil, nil
	case f.field == 0 || msg.Type == tea.KeyEnter:
		return f, nil, nil // the kind row takes no text; enter with a field missing does nothing
	}
	var cmd tea.Cmd
	f.inputs[f.kind][f.field-1], cmd = f.inputs[f.kind][f.field-1].Update(msg)
	return f, nil, cmd
}

// lines draws the form: the kind row, the fields, and what enter does.
func (f sendForm) lines(st *styles.Styles) []string {
	kinds := make([]string, numSendKinds)
	for k := range numSendKinds {
		if k == f.kind {
			kinds[k] = st.Value.Render("[" + k.String() + "]")
		} else {
			kinds[k] = st.Muted.Render(" " + k.String() + " ")
		}
	}
	marker := "  "
	if f.field == 0 {
		marker = st.Cursor.Render("▸") + " "
	}
	out := []string{marker + st.Label.Render("send    ") + strings.Join(kinds, "")}
	for i, in := range f.inputs[f.kind] {
		marker = "  "
		if f.field == i+1 {
			marker = st.Cursor.Render("▸") + " "
		}
		out = append(out, marker+in.View())
	}
	hint := "enter sends · tab next field · esc closes"
	if _, ready := f.request(); !ready {
		hint = "fill in every field · tab next field · esc closes"
	}
	return append(out, st.Faint.Render("  "+hint))
}

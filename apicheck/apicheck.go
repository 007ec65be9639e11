// Package apicheck asks a LiveKit server which of its read-only APIs a token
// may call: it lists rooms, participants, egress, ingress, SIP trunks and
// dispatch rules, and agent dispatches, and reports each answer as allowed,
// denied (naming the grant the token lacks) or not available on this
// server (with the server's reason). It only lists: it changes nothing on
// the server. Each answer is compared with what tokens.Judge predicts from
// the token's grants, so a disagreement shows at once.
package apicheck

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"github.com/twitchtv/twirp"

	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/tokens"
)

// Status is how the server answered one call.
type Status string

// The answers a call can get.
const (
	Allowed     Status = "allowed"     // the token passed the grant check
	Denied      Status = "denied"      // "permissions denied": the token lacks a grant
	Unavailable Status = "unavailable" // the grant check passed, but this server does not offer the API
	Failed      Status = "error"       // anything else
)

// Result is one call and the server's answer.
type Result struct {
	Service string   `json:"service"`        // RoomService, Egress, Ingress, SIP, AgentDispatch
	Method  string   `json:"method"`         // the read-only method called
	Room    string   `json:"room,omitempty"` // the room it asked about, for room-scoped methods
	Needs   []string `json:"needs"`          // the grants the server checks (tokens.APIMethods)
	Status  Status   `json:"status"`         // the server's answer
	// Detail is what came back: "2 rooms", or the server's reason.
	Detail string `json:"detail"`
	// Missing names the grants the token lacks (when denied).
	Missing []string `json:"missing,omitempty"`
	// Expected is true when the token's grants predict the call passes
	// the grant check (tokens.Judge).
	Expected bool `json:"expected_allowed"`
	// Agrees is false when the server's answer contradicts Expected: a
	// denied call the grants allow, or an answered one they do not.
	Agrees bool `json:"agrees"`
}

// Report is a whole check.
type Report struct {
	Server  string   `json:"server"`         // the server's HTTP URL
	Grants  []string `json:"grants"`         // the API grants the token carries
	Room    string   `json:"room,omitempty"` // the room the room-scoped calls asked about
	Results []Result `json:"results"`        // one per call, in order
}

// Options tune Run.
type Options struct {
	// Room is the room the room-scoped calls (ListParticipants,
	// ListDispatch) ask about; "" means the token's video.room, else the
	// first room ListRooms returns.
	Room string
	// SkipTokenRoom leaves the token's video.room out of that choice: the
	// minter made it up (a mint asked for no room names one at random), so
	// it is nobody's room.
	SkipTokenRoom bool
	// HTTPClient makes the calls; nil means a client with a 10 s timeout.
	HTTPClient *http.Client
}

// ErrTokenRefused is returned when the server refuses the token itself
// (bad signature, unknown key, expired) rather than a grant.
var ErrTokenRefused = errors.New("apicheck: the server refused the token")

// call is one read-only call: it returns how many items came back.
type call struct {
	service, method string
	roomScoped      bool
	do              func(ctx context.Context, c clients, room string) (int, string, error)
}

// calls are the read-only methods checked, in order.
var calls = []call{
	{"RoomService", "ListRooms", false, func(ctx context.Context, c clients, _ string) (int, string, error) {
		r, err := c.room.ListRooms(ctx, &livekit.ListRoomsRequest{})
		return len(r.GetRooms()), "room", err
	}},
	{"RoomService", "ListParticipants", true, func(ctx context.Context, c clients, room string) (int, string, error) {
		r, err := c.room.ListParticipants(ctx, &livekit.ListParticipantsRequest{Room: room})
		return len(r.GetParticipants()), "participant", err
	}},
	{"Egress", "ListEgress", false, func(ctx context.Context, c clients, _ string) (int, string, error) {
		r, err := c.egress.ListEgress(ctx, &livekit.ListEgressRequest{})
		return len(r.GetItems()), "egress", err
	}},
	{"Ingress", "ListIngress", false, func(ctx context.Context, c clients, _ string) (int, string, error) {
		r, err := c.ingress.ListIngress(ctx, &livekit.ListIngressRequest{})
		return len(r.GetItems()), "ingress", err
	}},
	{"SIP", "ListSIPInboundTrunk", false, func(ctx context.Context, c clients, _ string) (int, string, error) {
		r, err := c.sip.ListSIPInboundTrunk(ctx, &livekit.ListSIPInboundTrunkRequest{})
		return len(r.GetItems()), "inbound trunk", err
	}},
	{"SIP", "ListSIPOutboundTrunk", false, func(ctx context.Context, c clients, _ string) (int, string, error) {
		r, err := c.sip.ListSIPOutboundTrunk(ctx, &livekit.ListSIPOutboundTrunkRequest{})
		return len(r.GetItems()), "outbound trunk", err
	}},
	{"SIP", "ListSIPDispatchRule", false, func(ctx context.Context, c clients, _ string) (int, string, error) {
		r, err := c.sip.ListSIPDispatchRule(ctx, &livekit.ListSIPDispatchRuleRequest{})
		return len(r.GetItems()), "dispatch rule", err
	}},
	{"AgentDispatch", "ListDispatch", true, func(ctx context.Context, c clients, room string) (int, string, error) {
		r, err := c.dispatch.ListDispatch(ctx, &livekit.ListAgentDispatchRequest{Room: room})
		return len(r.GetAgentDispatches()), "dispatch", err
	}},
}

type clients struct {
	room     livekit.RoomService
	egress   livekit.Egress
	ingress  livekit.Ingress
	sip      livekit.SIP
	dispatch livekit.AgentDispatchService
}

// Run makes every read-only call with token against the server at
// serverURL (ws(s):// or http(s)://) and reports each answer.
func Run(ctx context.Context, serverURL, token string, opts Options) (Report, error) {
	tok, err := tokens.Decode(token)
	if err != nil {
		return Report{}, err
	}
	_, httpBase, err := tokens.ServerURLs(serverURL)
	if err != nil {
		return Report{}, err
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	base := strings.TrimSuffix(httpBase.String(), "/")
	c := clients{
		room: livekit.NewRoomServiceProtobufClient(base, hc), egress: livekit.NewEgressProtobufClient(base, hc),
		ingress: livekit.NewIngressProtobufClient(base, hc), sip: livekit.NewSIPProtobufClient(base, hc),
		dispatch: livekit.NewAgentDispatchServiceProtobufClient(base, hc),
	}
	header := http.Header{}
	header.Set("Authorization", "Bearer "+tok.Raw)
	ctx, err = twirp.WithHTTPRequestHeaders(ctx, header)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Server: base, Grants: Grants(tok.Grants), Room: opts.Room}
	if rep.Room == "" && !opts.SkipTokenRoom && tok.Grants != nil && tok.Grants.Video != nil {
		rep.Room = tok.Grants.Video.Room
	}
	for _, cl := range calls {
		res, err := rep.run(ctx, c, cl, tok)
		if err != nil {
			return rep, err
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

// run makes one call. The first room ListRooms returns becomes the room
// the room-scoped calls ask about, when nothing named one.
func (rep *Report) run(ctx context.Context, c clients, cl call, tok *tokens.Token) (Result, error) {
	m, _ := tokens.LookupAPIMethod(cl.service, cl.method)
	judged := tokens.Judge(tok.Grants, m)
	res := Result{Service: cl.service, Method: cl.method, Expected: judged.Allowed && (!cl.roomScoped || judged.Room == rep.Room)}
	for _, n := range m.Needs {
		res.Needs = append(res.Needs, string(n))
	}
	if cl.roomScoped {
		res.Room = rep.Room
	}
	n, noun, err := cl.do(ctx, c, res.Room)
	if err == nil && cl.method == "ListRooms" && rep.Room == "" {
		if r, lerr := c.room.ListRooms(ctx, &livekit.ListRoomsRequest{}); lerr == nil && len(r.GetRooms()) > 0 {
			rep.Room = r.GetRooms()[0].GetName()
		}
	}
	if te, ok := asTwirp(err); ok && te.Code() == twirp.Unauthenticated && te.Msg() != "permissions denied" {
		return res, fmt.Errorf("%w: %s", ErrTokenRefused, tokens.RedactTokens(te.Msg(), tok.Raw))
	}
	if te, ok := asTwirp(err); ok && strings.HasPrefix(te.Msg(), "failed to do request") {
		// Twirp's client says so when no HTTP answer came back at all.
		return res, fmt.Errorf("apicheck: cannot reach the server at %s: %s", rep.Server, te.Msg())
	}
	res.Status, res.Detail = classify(n, noun, err, tok.Raw)
	if res.Status == Failed && cl.roomScoped && strings.Contains(res.Detail, "no response from servers") {
		// The grant check passed; no server holds the room to answer.
		res.Status, res.Detail = Allowed, fmt.Sprintf("room %q is not open on this server", res.Room)
	}
	if res.Status == Denied {
		for _, g := range judged.Missing {
			res.Missing = append(res.Missing, string(g))
		}
		if len(res.Missing) == 0 && cl.roomScoped {
			res.Missing = []string{fmt.Sprintf("roomAdmin for room %q (the token's is %q)", res.Room, judged.Room)}
		}
	}
	res.Agrees = (res.Status == Denied) != res.Expected || res.Status == Failed
	return res, nil
}

// classify turns a call's outcome into a status and words.
func classify(n int, noun string, err error, raw string) (Status, string) {
	if err == nil {
		return Allowed, plural(n, noun)
	}
	te, ok := asTwirp(err)
	if !ok {
		return Failed, textsafe.Line(tokens.RedactTokens(err.Error(), raw), 300)
	}
	msg := textsafe.Line(tokens.RedactTokens(strings.TrimPrefix(te.Msg(), "twirp error unknown: "), raw), 300)
	switch {
	case te.Code() == twirp.Unauthenticated || te.Code() == twirp.PermissionDenied:
		return Denied, msg
	case te.Code() == twirp.NotFound && strings.Contains(msg, "does not exist"):
		// The grant check comes first: only a token that passed it learns
		// the room is not there.
		return Allowed, msg
	case strings.Contains(msg, "not connected"), te.Code() == twirp.Unimplemented, te.Code() == twirp.BadRoute:
		return Unavailable, msg
	}
	return Failed, string(te.Code()) + ": " + msg
}

func asTwirp(err error) (twirp.Error, bool) {
	var te twirp.Error
	if err != nil && errors.As(err, &te) {
		return te, true
	}
	return nil, false
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if noun == "egress" || noun == "ingress" {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Grants lists the API grants g carries, as tokens.APIGrant names;
// roomAdmin with its room.
func Grants(g *auth.ClaimGrants) []string {
	out := []string{}
	if g == nil {
		return out
	}
	if v := g.Video; v != nil {
		add := func(on bool, name string) {
			if on {
				out = append(out, name)
			}
		}
		add(v.RoomList, string(tokens.NeedRoomList))
		add(v.RoomCreate, string(tokens.NeedRoomCreate))
		if v.RoomAdmin {
			out = append(out, fmt.Sprintf("%s (room %q)", tokens.NeedRoomAdmin, v.Room))
		}
		add(v.RoomRecord, string(tokens.NeedRoomRecord))
		add(v.IngressAdmin, string(tokens.NeedIngressAdmin))
	}
	if s := g.SIP; s != nil {
		if s.Admin {
			out = append(out, string(tokens.NeedSIPAdmin))
		}
		if s.Call {
			out = append(out, string(tokens.NeedSIPCall))
		}
	}
	return out
}

// FullToken mints a short-lived token carrying every API grant (roomAdmin
// for room), signed with the key pair: what a key and secret may do.
func FullToken(apiKey, apiSecret, room string) (string, error) {
	at := auth.NewAccessToken(apiKey, apiSecret).SetIdentity("lkdash-api-check").SetValidFor(10 * time.Minute).
		SetVideoGrant(&auth.VideoGrant{RoomList: true, RoomCreate: true, RoomAdmin: true, Room: room, RoomRecord: true, IngressAdmin: true}).
		SetSIPGrant(&auth.SIPGrant{Admin: true, Call: true})
	return at.ToJWT()
}

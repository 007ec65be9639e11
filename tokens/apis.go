package tokens

import (
	"slices"

	"github.com/livekit/protocol/auth"
)

// APIGrant is one condition a server API method checks before doing
// anything, named after the claim it reads.
type APIGrant string

// The conditions livekit-server v1.13.5 checks (pkg/service/auth.go).
const (
	NeedRoomList     APIGrant = "roomList"        // EnsureListPermission: video.roomList
	NeedRoomCreate   APIGrant = "roomCreate"      // EnsureCreatePermission: video.roomCreate
	NeedRoomAdmin    APIGrant = "roomAdmin"       // EnsureAdminPermission: video.roomAdmin, and video.room is the request's room
	NeedDestination  APIGrant = "destinationRoom" // EnsureDestRoomPermission: also video.destinationRoom is the request's destination
	NeedRoomRecord   APIGrant = "roomRecord"      // EnsureRecordPermission: video.roomRecord
	NeedIngressAdmin APIGrant = "ingressAdmin"    // EnsureIngressAdminPermission: video.ingressAdmin
	NeedSIPAdmin     APIGrant = "sip.admin"       // EnsureSIPAdminPermission: sip.admin
	NeedSIPCall      APIGrant = "sip.call"        // EnsureSIPCallPermission: sip.call
)

// APIMethod is one method of the server's APIs and what its token must
// grant, as livekit-server v1.13.5 checks it.
type APIMethod struct {
	Service string     // "RoomService", "Egress", "Ingress", "SIP", "AgentDispatch"
	Method  string     // the Twirp method, e.g. "ListRooms"
	Needs   []APIGrant // every one must hold
	// ReadOnly marks the methods that only list or read; `lkdash api
	// check` calls those.
	ReadOnly bool
	// CheckedIn is where the server checks it: file, function, check.
	CheckedIn string
}

// apiMethods is every method of the RoomService, Egress, Ingress, SIP and
// AgentDispatchService Twirp services (github.com/livekit/protocol/livekit
// *.twirp.go) with the checks livekit-server v1.13.5 makes first, read
// from its source (pkg/service/*.go). A method whose check passes can
// still fail for other reasons (a room that does not exist, no Redis).
var apiMethods = []APIMethod{
	{"RoomService", "CreateRoom", []APIGrant{NeedRoomCreate}, false, "pkg/service/roomservice.go RoomService.CreateRoom: EnsureCreatePermission"},
	{"RoomService", "ListRooms", []APIGrant{NeedRoomList}, true, "pkg/service/roomservice.go RoomService.ListRooms: EnsureListPermission"},
	{"RoomService", "DeleteRoom", []APIGrant{NeedRoomCreate}, false, "pkg/service/roomservice.go RoomService.DeleteRoom: EnsureCreatePermission"},
	{"RoomService", "ListParticipants", []APIGrant{NeedRoomAdmin}, true, "pkg/service/roomservice.go RoomService.ListParticipants: EnsureAdminPermission"},
	{"RoomService", "GetParticipant", []APIGrant{NeedRoomAdmin}, true, "pkg/service/roomservice.go RoomService.GetParticipant: EnsureAdminPermission"},
	{"RoomService", "RemoveParticipant", []APIGrant{NeedRoomAdmin}, false, "pkg/service/roomservice.go RoomService.RemoveParticipant: EnsureAdminPermission"},
	{"RoomService", "MutePublishedTrack", []APIGrant{NeedRoomAdmin}, false, "pkg/service/roomservice.go RoomService.MutePublishedTrack: EnsureAdminPermission"},
	{"RoomService", "UpdateParticipant", []APIGrant{NeedRoomAdmin}, false, "pkg/service/roomservice.go RoomService.UpdateParticipant: EnsureAdminPermission"},
	{"RoomService", "UpdateSubscriptions", []APIGrant{NeedRoomAdmin}, false, "pkg/service/roomservice.go RoomService.UpdateSubscriptions: EnsureAdminPermission"},
	{"RoomService", "SendData", []APIGrant{NeedRoomAdmin}, false, "pkg/service/roomservice.go RoomService.SendData: EnsureAdminPermission"},
	{"RoomService", "UpdateRoomMetadata", []APIGrant{NeedRoomAdmin}, false, "pkg/service/roomservice.go RoomService.UpdateRoomMetadata: EnsureAdminPermission"},
	{"RoomService", "ForwardParticipant", []APIGrant{NeedRoomAdmin, NeedDestination}, false, "pkg/service/roomservice.go RoomService.ForwardParticipant: EnsureDestRoomPermission"},
	{"RoomService", "MoveParticipant", []APIGrant{NeedRoomAdmin, NeedDestination}, false, "pkg/service/roomservice.go RoomService.MoveParticipant: EnsureDestRoomPermission"},
	{"RoomService", "PerformRpc", []APIGrant{NeedRoomAdmin}, false, "pkg/service/roomservice.go RoomService.PerformRpc: EnsureAdminPermission"},

	{"Egress", "StartEgress", []APIGrant{NeedRoomRecord}, false, "pkg/service/egress.go EgressService.StartEgress → startEgress: EnsureRecordPermission"},
	{"Egress", "StartRoomCompositeEgress", []APIGrant{NeedRoomRecord}, false, "pkg/service/egress.go EgressService.StartRoomCompositeEgress → startEgress: EnsureRecordPermission"},
	{"Egress", "StartWebEgress", []APIGrant{NeedRoomRecord}, false, "pkg/service/egress.go EgressService.StartWebEgress → startEgress: EnsureRecordPermission"},
	{"Egress", "StartParticipantEgress", []APIGrant{NeedRoomRecord}, false, "pkg/service/egress.go EgressService.StartParticipantEgress → startEgress: EnsureRecordPermission"},
	{"Egress", "StartTrackCompositeEgress", []APIGrant{NeedRoomRecord}, false, "pkg/service/egress.go EgressService.StartTrackCompositeEgress → startEgress: EnsureRecordPermission"},
	{"Egress", "StartTrackEgress", []APIGrant{NeedRoomRecord}, false, "pkg/service/egress.go EgressService.StartTrackEgress → startEgress: EnsureRecordPermission"},
	{"Egress", "UpdateLayout", []APIGrant{NeedRoomRecord}, false, "pkg/service/egress.go EgressService.UpdateLayout: EnsureRecordPermission"},
	{"Egress", "UpdateStream", []APIGrant{NeedRoomRecord}, false, "pkg/service/egress.go EgressService.UpdateStream: EnsureRecordPermission"},
	{"Egress", "ListEgress", []APIGrant{NeedRoomRecord}, true, "pkg/service/egress.go EgressService.ListEgress: EnsureRecordPermission"},
	{"Egress", "StopEgress", []APIGrant{NeedRoomRecord}, false, "pkg/service/egress.go EgressService.StopEgress: EnsureRecordPermission"},

	{"Ingress", "CreateIngress", []APIGrant{NeedIngressAdmin}, false, "pkg/service/ingress.go IngressService.CreateIngress → CreateIngressWithUrl: EnsureIngressAdminPermission"},
	{"Ingress", "UpdateIngress", []APIGrant{NeedIngressAdmin}, false, "pkg/service/ingress.go IngressService.UpdateIngress: EnsureIngressAdminPermission"},
	{"Ingress", "ListIngress", []APIGrant{NeedIngressAdmin}, true, "pkg/service/ingress.go IngressService.ListIngress: EnsureIngressAdminPermission"},
	{"Ingress", "DeleteIngress", []APIGrant{NeedIngressAdmin}, false, "pkg/service/ingress.go IngressService.DeleteIngress: EnsureIngressAdminPermission"},

	{"SIP", "ListSIPTrunk", []APIGrant{NeedSIPAdmin}, true, "pkg/service/sip.go SIPService.ListSIPTrunk: EnsureSIPAdminPermission"},
	{"SIP", "CreateSIPInboundTrunk", []APIGrant{NeedSIPAdmin}, false, "pkg/service/sip.go SIPService.CreateSIPInboundTrunk: EnsureSIPAdminPermission"},
	{"SIP", "CreateSIPOutboundTrunk", []APIGrant{NeedSIPAdmin}, false, "pkg/service/sip.go SIPService.CreateSIPOutboundTrunk: EnsureSIPAdminPermission"},
	{"SIP", "UpdateSIPInboundTrunk", []APIGrant{NeedSIPAdmin}, false, "pkg/service/sip.go SIPService.UpdateSIPInboundTrunk: EnsureSIPAdminPermission"},
	{"SIP", "UpdateSIPOutboundTrunk", []APIGrant{NeedSIPAdmin}, false, "pkg/service/sip.go SIPService.UpdateSIPOutboundTrunk: EnsureSIPAdminPermission"},
	{"SIP", "GetSIPInboundTrunk", []APIGrant{NeedSIPAdmin}, true, "pkg/service/sip.go SIPService.GetSIPInboundTrunk: EnsureSIPAdminPermission"},
	{"SIP", "GetSIPOutboundTrunk", []APIGrant{NeedSIPAdmin}, true, "pkg/service/sip.go SIPService.GetSIPOutboundTrunk: EnsureSIPAdminPermission"},
	{"SIP", "ListSIPInboundTrunk", []APIGrant{NeedSIPAdmin}, true, "pkg/service/sip.go SIPService.ListSIPInboundTrunk: EnsureSIPAdminPermission"},
	{"SIP", "ListSIPOutboundTrunk", []APIGrant{NeedSIPAdmin}, true, "pkg/service/sip.go SIPService.ListSIPOutboundTrunk: EnsureSIPAdminPermission"},
	{"SIP", "DeleteSIPTrunk", []APIGrant{NeedSIPAdmin}, false, "pkg/service/sip.go SIPService.DeleteSIPTrunk: EnsureSIPAdminPermission"},
	{"SIP", "CreateSIPDispatchRule", []APIGrant{NeedSIPAdmin}, false, "pkg/service/sip.go SIPService.CreateSIPDispatchRule: EnsureSIPAdminPermission"},
	{"SIP", "UpdateSIPDispatchRule", []APIGrant{NeedSIPAdmin}, false, "pkg/service/sip.go SIPService.UpdateSIPDispatchRule: EnsureSIPAdminPermission"},
	{"SIP", "ListSIPDispatchRule", []APIGrant{NeedSIPAdmin}, true, "pkg/service/sip.go SIPService.ListSIPDispatchRule: EnsureSIPAdminPermission"},
	{"SIP", "DeleteSIPDispatchRule", []APIGrant{NeedSIPAdmin}, false, "pkg/service/sip.go SIPService.DeleteSIPDispatchRule: EnsureSIPAdminPermission"},
	{"SIP", "CreateSIPParticipant", []APIGrant{NeedSIPCall}, false, "pkg/service/sip.go SIPService.CreateSIPParticipant → CreateSIPParticipantRequest: EnsureSIPCallPermission"},
	{"SIP", "TransferSIPParticipant", []APIGrant{NeedSIPCall, NeedRoomAdmin}, false, "pkg/service/sip.go SIPService.TransferSIPParticipant → transferSIPParticipantRequest: EnsureSIPCallPermission, EnsureAdminPermission"},

	{"AgentDispatch", "CreateDispatch", []APIGrant{NeedRoomAdmin}, false, "pkg/service/agent_dispatch_service.go AgentDispatchService.CreateDispatch: EnsureAdminPermission"},
	{"AgentDispatch", "DeleteDispatch", []APIGrant{NeedRoomAdmin}, false, "pkg/service/agent_dispatch_service.go AgentDispatchService.DeleteDispatch: EnsureAdminPermission"},
	{"AgentDispatch", "ListDispatch", []APIGrant{NeedRoomAdmin}, true, "pkg/service/agent_dispatch_service.go AgentDispatchService.ListDispatch: EnsureAdminPermission"},
}

// APIMethods lists every server API method and the grants it needs.
func APIMethods() []APIMethod { return slices.Clone(apiMethods) }

// LookupAPIMethod finds a method by service and name.
func LookupAPIMethod(service, method string) (APIMethod, bool) {
	i := slices.IndexFunc(apiMethods, func(m APIMethod) bool { return m.Service == service && m.Method == method })
	if i < 0 {
		return APIMethod{}, false
	}
	return apiMethods[i], true
}

// APIAccess is whether a token passes one method's checks.
type APIAccess struct {
	APIMethod
	// Allowed is true when the token passes every check, for requests
	// about Room (and DestinationRoom) when the method names a room.
	Allowed bool
	// Room is the only room a room-scoped method may name: the token's
	// video.room ("" when it names none).
	Room string
	// Missing lists the grants the token lacks.
	Missing []APIGrant
}

// APIAccess judges every API method against the token's grants, as the
// server would: room-scoped methods only for the token's own room.
func (t *Token) APIAccess() []APIAccess {
	var g *auth.ClaimGrants
	if t != nil {
		g = t.Grants
	}
	out := make([]APIAccess, 0, len(apiMethods))
	for _, m := range apiMethods {
		out = append(out, Judge(g, m))
	}
	return out
}

// Judge says whether grants pass m's checks (room-scoped ones for the
// grant's own room).
func Judge(g *auth.ClaimGrants, m APIMethod) APIAccess {
	a := APIAccess{APIMethod: m}
	var v auth.VideoGrant
	var sip auth.SIPGrant
	if g != nil && g.Video != nil {
		v = *g.Video
	}
	if g != nil && g.SIP != nil {
		sip = *g.SIP
	}
	a.Room = v.Room
	for _, need := range m.Needs {
		ok := false
		switch need {
		case NeedRoomList:
			ok = v.RoomList
		case NeedRoomCreate:
			ok = v.RoomCreate
		case NeedRoomAdmin:
			ok = v.RoomAdmin
		case NeedDestination:
			ok = v.DestinationRoom != ""
		case NeedRoomRecord:
			ok = v.RoomRecord
		case NeedIngressAdmin:
			ok = v.IngressAdmin
		case NeedSIPAdmin:
			ok = sip.Admin
		case NeedSIPCall:
			ok = sip.Call
		}
		if !ok {
			a.Missing = append(a.Missing, need)
		}
	}
	a.Allowed = len(a.Missing) == 0
	return a
}

// RoomScoped reports whether m's check names a room: the token's
// video.room must be the request's.
func (m APIMethod) RoomScoped() bool { return slices.Contains(m.Needs, NeedRoomAdmin) }

// Package hooks receives, verifies, forwards and tests LiveKit webhooks
// (named so as not to be confused with github.com/livekit/protocol/webhook,
// which does the cryptography here).
//
// livekit-server POSTs each event as application/webhook+json to the URLs in
// its `webhook.urls` config. The Authorization header is a JWT signed with
// the secret of `webhook.api_key`; its sha256 claim is the base64 SHA-256 of
// the exact body bytes, and it is valid for five minutes.
//
// # Receiving
//
// A Receiver is an http.Handler that verifies every delivery with the
// protocol library (webhook.Receive and an auth key provider) and hands it
// on as a Delivery on its Deliveries channel: the event, its id, room,
// participant and track, when the server created it and when it arrived,
// and either Verified or the Cause it failed with, named for people
// ("body changed after signing (hash mismatch)", "signed with key X, not
// Y", "expired"). With ReceiverConfig.ForwardTo it also passes each
// delivery on to another handler byte for byte, headers included, and
// records that handler's status and latency. Like every lkdash listener it
// refuses browser requests (any Origin header) and, unless told otherwise,
// Host headers that do not name loopback.
//
// # Checking a handler
//
// Check plays a sender against someone's webhook handler: a genuine
// delivery, then forgeries (wrong secret, a body altered after signing, an
// expired token, no Authorization at all) and a replay, and reports what
// the handler did with each. A handler that accepts a forgery is a
// security hole (CheckReport.Holes).
//
// # Matching deliveries to room events
//
// A Matcher pairs deliveries with the room events a session saw for the
// same thing (participant_joined with room.ParticipantJoined, …), in
// either order, so a viewer can say how long after the room event the
// webhook arrived.
package hooks

// Package doctor finds out, step by step, why a LiveKit connection fails,
// and says what to change. It runs the checks LiveKit's connection test
// runs in a browser, from Go, over any token source:
//
//   - url: the scheme, the certificate (wss://), GET /, /rtc/validate, the
//     /rtc WebSocket upgrade and /twirp, each answer mapped to a cause (a
//     proxy that drops Upgrade, a wrong prefix, the token), with the
//     server's verdict on the token beside lkdash's own;
//   - signal: one timed join, the server's version, node and region, and
//     the ICE servers it hands out (URLs only: never credentials);
//   - webrtc: every candidate the server offers, those that cannot work
//     from here, and the path media took (or why none was found);
//   - turn: a join that may use TURN relays only;
//   - protocol: the demo media over UDP only and over TCP only, compared;
//   - reconnect: a signal reconnect drill, timed;
//   - publish: the demo audio and video, confirmed by a second participant.
//
// Run runs them and streams each Result as it ends; Config.Block (see
// room.Block) reproduces a hostile network on any machine. The package
// prints nothing: lkdash doctor renders the results as text or JSON, the
// dashboard as a checklist, both in the words of Result.ProblemLines and
// Details.Lines.
package doctor

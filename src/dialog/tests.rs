//! Dialog tests, each naming the RFC 3261 section it checks.

use super::*;
use alloc::format;

const INVITE: &str = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n\
Record-Route: <sip:p2.example.com;lr>\r\n\
Record-Route: <sip:p1.example.com;lr>\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710\r\n\
CSeq: 314159 INVITE\r\n\
Contact: <sip:alice@pc33.atlanta.example.com>\r\n\
Content-Length: 0\r\n\r\n";

fn ok_for(invite: &str) -> String {
    format!(
        "SIP/2.0 200 OK\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n\
Record-Route: <sip:p2.example.com;lr>\r\n\
Record-Route: <sip:p1.example.com;lr>\r\n\
To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710\r\n\
CSeq: {} INVITE\r\n\
Contact: <sip:bob@192.0.2.4>\r\n\
Content-Length: 0\r\n\r\n",
        Message::parse(invite.as_bytes()).unwrap().cseq().unwrap().seq
    )
}

fn msg(s: &str) -> Message<'_> {
    Message::parse(s.as_bytes()).unwrap()
}

fn uac() -> Dialog {
    let ok = ok_for(INVITE);
    Dialog::uac(&msg(INVITE), &msg(&ok), false).unwrap()
}

#[test]
fn rfc3261_12_1_2_uac_state_from_the_2xx() {
    let d = uac();
    assert_eq!(d.id().call_id(), "a84b4c76e66710");
    assert_eq!(d.id().local_tag(), "1928301774");
    assert_eq!(d.id().remote_tag(), "a6c85cf");
    assert_eq!(d.state(), DialogState::Confirmed);
    assert_eq!(d.local_seq(), Some(314159));
    assert_eq!(d.remote_seq(), None);
    assert_eq!(d.remote_target(), "sip:bob@192.0.2.4");
    // Record-Route of the response, reversed.
    assert_eq!(d.route_set(), ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]);
}

#[test]
fn rfc3261_12_1_1_uas_state_from_the_request() {
    let d = Dialog::uas(&msg(INVITE), "a6c85cf", "<sip:bob@192.0.2.4>", false, false).unwrap();
    assert_eq!(d.id().local_tag(), "a6c85cf");
    assert_eq!(d.id().remote_tag(), "1928301774");
    assert_eq!(d.state(), DialogState::Early);
    assert_eq!(d.local_seq(), None);
    assert_eq!(d.remote_seq(), Some(314159));
    assert_eq!(d.remote_target(), "sip:alice@pc33.atlanta.example.com");
    // Record-Route of the request, in order.
    assert_eq!(d.route_set(), ["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"]);
}

#[test]
fn rfc3261_12_1_2_early_dialog_needs_a_to_tag() {
    let ringing = ok_for(INVITE).replace("200 OK", "180 Ringing").replace(";tag=a6c85cf", "");
    assert_eq!(Dialog::uac(&msg(INVITE), &msg(&ringing), false), Err(DialogError::MissingTag));
    let ringing = ok_for(INVITE).replace("200 OK", "180 Ringing");
    let d = Dialog::uac(&msg(INVITE), &msg(&ringing), false).unwrap();
    assert_eq!(d.state(), DialogState::Early);
}

#[test]
fn rfc3261_12_2_1_1_in_dialog_request_with_loose_routes() {
    let mut d = uac();
    let bye = d
        .request(Method::Bye, 1)
        .unwrap()
        .via("UDP", "pc33.atlanta.example.com", "z9hG4bKnashds10")
        .build()
        .unwrap();
    let bye = bye.parse().unwrap();
    assert_eq!(bye.request().unwrap().raw_uri, b"sip:bob@192.0.2.4");
    let routes: Vec<&[u8]> = bye.header_values(HeaderName::Route).collect();
    assert_eq!(routes, [&b"<sip:p1.example.com;lr>"[..], b"<sip:p2.example.com;lr>"]);
    assert_eq!(bye.to().unwrap().tag(), Some("a6c85cf"));
    assert_eq!(bye.from().unwrap().tag(), Some("1928301774"));
    assert_eq!(bye.cseq().unwrap().seq, 314160, "local CSeq plus one");
    assert_eq!(bye.call_id().unwrap(), "a84b4c76e66710");
    assert!(bye.header(HeaderName::Contact).is_none(), "BYE is not a target refresh");
    let reinvite = d.request(Method::Invite, 1).unwrap().via("UDP", "h", "z9hG4bKx").build().unwrap();
    let reinvite = reinvite.parse().unwrap();
    assert_eq!(reinvite.cseq().unwrap().seq, 314161);
    assert_eq!(reinvite.header(HeaderName::Contact), Some(&b"<sip:alice@pc33.atlanta.example.com>"[..]));
}

#[test]
fn rfc3261_12_2_1_1_strict_router_first_in_route_set() {
    // The section's own example: route set <sip:proxy1>,<sip:proxy2>,
    // <sip:proxy3;lr>,<sip:proxy4>, remote target sip:user@remoteua.
    let ok = ok_for(INVITE)
        .replace(
            "Record-Route: <sip:p2.example.com;lr>\r\nRecord-Route: <sip:p1.example.com;lr>\r\n",
            "Record-Route: <sip:proxy4>, <sip:proxy3;lr>, <sip:proxy2>, <sip:proxy1;method=INVITE>\r\n",
        )
        .replace("<sip:bob@192.0.2.4>", "<sip:user@remoteua>");
    let d = Dialog::uac(&msg(INVITE), &msg(&ok), false).unwrap();
    let (uri, routes) = d.request_target();
    assert_eq!(uri, "sip:proxy1", "the strict router's URI, method= stripped");
    assert_eq!(routes, ["<sip:proxy2>", "<sip:proxy3;lr>", "<sip:proxy4>", "<sip:user@remoteua>"]);
}

#[test]
fn rfc3261_12_2_2_lower_remote_cseq_is_500() {
    let mut d = Dialog::uas(&msg(INVITE), "a6c85cf", "<sip:bob@192.0.2.4>", true, false).unwrap();
    let bye = |seq: u32| {
        format!(
            "BYE sip:bob@192.0.2.4 SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK{seq}\r\n\
To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\nFrom: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710\r\nCSeq: {seq} BYE\r\nContent-Length: 0\r\n\r\n"
        )
    };
    let old = bye(314158);
    let err = d.handle_request(&msg(&old)).unwrap_err();
    assert_eq!(err, DialogError::OutOfOrder);
    assert_eq!(err.status(), StatusCode::SERVER_INTERNAL_ERROR);
    // A gap is fine (§12.2.2: a challenged request leaves one).
    let later = bye(314170);
    d.handle_request(&msg(&later)).unwrap();
    assert_eq!(d.remote_seq(), Some(314170));
}

#[test]
fn rfc6141_4_6_target_refresh_updates_remote_target_when_accepted() {
    let mut d = Dialog::uas(&msg(INVITE), "a6c85cf", "<sip:bob@192.0.2.4>", true, false).unwrap();
    let reinvite = INVITE
        .replace("To: Bob <sip:bob@biloxi.example.com>", "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf")
        .replace("314159 INVITE", "314160 INVITE")
        .replace("<sip:alice@pc33.atlanta.example.com>", "<sip:alice@198.51.100.9>");
    d.handle_request(&msg(&reinvite)).unwrap();
    // Not yet: an error response would leave the target alone.
    assert_eq!(d.remote_target(), "sip:alice@pc33.atlanta.example.com");
    d.accept_target_refresh(&msg(&reinvite));
    assert_eq!(d.remote_target(), "sip:alice@198.51.100.9");
    // An OPTIONS in the dialog is not a target refresh.
    let options = reinvite
        .replace("INVITE sip", "OPTIONS sip")
        .replace("314160 INVITE", "314161 OPTIONS")
        .replace("198.51.100.9", "203.0.113.1");
    d.handle_request(&msg(&options)).unwrap();
    d.accept_target_refresh(&msg(&options));
    assert_eq!(d.remote_target(), "sip:alice@198.51.100.9");
}

#[test]
fn rfc3261_12_2_1_2_481_and_408_end_the_dialog() {
    let mut d = uac();
    let r481 = ok_for(INVITE).replace("200 OK", "481 Call/Transaction Does Not Exist");
    assert!(d.handle_response(Method::Bye, &msg(&r481)));
    assert_eq!(d.state(), DialogState::Terminated);
    assert_eq!(d.request(Method::Bye, 1).unwrap_err(), DialogError::Terminated);
}

#[test]
fn rfc3261_12_2_1_2_2xx_to_reinvite_refreshes_target() {
    let mut d = uac();
    let ok = ok_for(INVITE).replace("<sip:bob@192.0.2.4>", "<sip:bob@192.0.2.99>");
    assert!(!d.handle_response(Method::Invite, &msg(&ok)));
    assert_eq!(d.remote_target(), "sip:bob@192.0.2.99");
}

#[test]
fn rfc3261_13_2_2_4_ack_carries_the_invite_cseq() {
    let d = uac();
    let ack = d.ack(314159).via("UDP", "h", "z9hG4bKack").build().unwrap();
    let ack = ack.parse().unwrap();
    assert_eq!(ack.method(), Some(Method::Ack));
    assert_eq!(ack.cseq().unwrap().seq, 314159);
    assert_eq!(ack.cseq().unwrap().method, Method::Ack);
}

#[test]
fn rfc3261_12_dialog_ids_match_from_both_sides() {
    let ok = ok_for(INVITE);
    let uac_id = DialogId::of_response(&msg(&ok)).unwrap();
    let uas = Dialog::uas(&msg(INVITE), "a6c85cf", "<sip:bob@192.0.2.4>", true, false).unwrap();
    assert_eq!(uac_id.local_tag(), uas.id().remote_tag());
    assert_eq!(uac_id.remote_tag(), uas.id().local_tag());
}

#[test]
fn rfc3261_13_2_2_4_confirming_2xx_recomputes_the_route_set() {
    // The early dialog came from a 180 that went through one proxy only;
    // the 2xx that confirms it records two.
    let ringing = ok_for(INVITE)
        .replace("200 OK", "180 Ringing")
        .replace("Record-Route: <sip:p2.example.com;lr>\r\n", "")
        .replace("<sip:bob@192.0.2.4>", "<sip:bob@192.0.2.5>");
    let mut d = Dialog::uac(&msg(INVITE), &msg(&ringing), false).unwrap();
    assert_eq!(d.state(), DialogState::Early);
    assert_eq!(d.route_set(), ["<sip:p1.example.com;lr>"]);
    let ok = ok_for(INVITE);
    d.confirm(Some(&msg(&ok)));
    assert_eq!(d.state(), DialogState::Confirmed);
    assert_eq!(d.remote_target(), "sip:bob@192.0.2.4");
    assert_eq!(d.route_set(), ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]);
    // Once confirmed, later responses do not change it (§12.2.1.2).
    d.confirm(Some(&msg(&ringing)));
    assert_eq!(d.route_set(), ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]);
}

fn without_routes(s: &str) -> String {
    s.replace("Record-Route: <sip:p2.example.com;lr>\r\n", "")
        .replace("Record-Route: <sip:p1.example.com;lr>\r\n", "")
}

fn addr(s: &str) -> Option<core::net::SocketAddr> {
    Some(s.parse().unwrap())
}

#[test]
fn rfc3261_8_1_2_next_hop_is_the_first_route_else_the_target() {
    // Routes through a named proxy: no address of ours to give.
    assert_eq!(uac().next_hop_addr(), None);
    let invite = without_routes(INVITE);
    let ringing = without_routes(&ok_for(&invite)).replace("200 OK", "180 Ringing");
    let mut d = Dialog::uac(&msg(&invite), &msg(&ringing), false).unwrap();
    assert_eq!(d.next_hop_addr(), addr("192.0.2.4:5060"));
    // §13.2.2.4: the confirming 2xx's Record-Route becomes the route set,
    // and its first hop the next one.
    let ok = without_routes(&ok_for(&invite))
        .replace("Contact:", "Record-Route: <sip:192.0.2.7:5080;lr>\r\nContact:");
    d.confirm(Some(&msg(&ok)));
    assert_eq!(d.route_set(), ["<sip:192.0.2.7:5080;lr>"]);
    assert_eq!(d.next_hop_addr(), addr("192.0.2.7:5080"));
    // Without routes, a target refresh moves the next hop (§12.2.1.2).
    let mut d = Dialog::uac(&msg(&invite), &msg(&without_routes(&ok_for(&invite))), false).unwrap();
    let ok = without_routes(&ok_for(&invite)).replace("<sip:bob@192.0.2.4>", "<sip:bob@[2001:db8::9]:5070>");
    d.handle_response(Method::Invite, &msg(&ok));
    assert_eq!(d.next_hop_addr(), addr("[2001:db8::9]:5070"));
    let ok = without_routes(&ok_for(&invite)).replace("<sip:bob@192.0.2.4>", "<sip:bob@biloxi.example.com>");
    d.handle_response(Method::Invite, &msg(&ok));
    assert_eq!(d.next_hop_addr(), None);
}

#[test]
fn rfc3261_12_1_2_confirming_2xx_with_the_same_or_another_contact() {
    let ringing = ok_for(INVITE).replace("200 OK", "180 Ringing");
    let early = Dialog::uac(&msg(INVITE), &msg(&ringing), false).unwrap();
    // The same Contact as the 1xx: the target stays.
    let mut d = early.clone();
    d.confirm(Some(&msg(&ok_for(INVITE))));
    assert_eq!(d.remote_target(), "sip:bob@192.0.2.4");
    // Another one, or one with parameters: the 2xx's URI is the target.
    for (contact, target) in [
        ("<sip:bob@192.0.2.8>", "sip:bob@192.0.2.8"),
        ("<sip:bob@192.0.2.4>;expires=60", "sip:bob@192.0.2.4"),
        ("Bob <sip:bob@192.0.2.4;ob>", "sip:bob@192.0.2.4;ob"),
        ("<sip:bob@192.0.2.4>, <sip:x@192.0.2.9>", "sip:bob@192.0.2.4"),
    ] {
        let mut d = early.clone();
        d.confirm(Some(&msg(&ok_for(INVITE).replace("<sip:bob@192.0.2.4>", contact))));
        assert_eq!(d.remote_target(), target, "{contact}");
    }
    // A Contact that is not SIP leaves the target as it was.
    let mut d = early.clone();
    d.confirm(Some(&msg(&ok_for(INVITE).replace("<sip:bob@192.0.2.4>", "<tel:+15550100>"))));
    assert_eq!(d.remote_target(), "sip:bob@192.0.2.4");
}

#[test]
fn rfc3261_12_1_2_seeded_dialog_equals_the_parsed_one() {
    use crate::message::builder::RequestBuilder;
    let froms = [
        "<sip:alice@192.0.2.1>;tag=1928301774",
        "Alice <sip:alice@192.0.2.1>;tag=1928301774",
        "sip:alice@192.0.2.1;tag=1928301774",
    ];
    let tos =
        ["<sip:bob@192.0.2.2>", "Bob <sip:bob@192.0.2.2>", "sip:bob@192.0.2.2", "<sip:bob@192.0.2.2>;x=1"];
    for from in froms {
        for to in tos {
            let b = RequestBuilder::new(Method::Invite, "sip:bob@192.0.2.2")
                .via("UDP", "192.0.2.1", "z9hG4bKseed")
                .from(from)
                .to(to)
                .call_id("a84b4c76e66710")
                .cseq(7)
                .contact("<sip:alice@192.0.2.1:5060>");
            let seed = UacSeed::of_builder(&b);
            let req = b.build().unwrap();
            let req = req.parse().unwrap();
            // The UAS echoes From and To (tagged), or rewrites them.
            for (their_from, their_to) in [
                (String::from(from), format!("{to};tag=a6c85cf")),
                (from.replace(";tag=", ";TAG="), format!("{to} ;tag=a6c85cf")),
            ] {
                for status in ["180 Ringing", "200 OK"] {
                    let resp = format!(
                        "SIP/2.0 {status}\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKseed\r\n\
                         From: {their_from}\r\nTo: {their_to}\r\nCall-ID: a84b4c76e66710\r\nCSeq: 7 INVITE\r\n\
                         Contact: <sip:bob@192.0.2.2>\r\nContent-Length: 0\r\n\r\n"
                    );
                    let resp = msg(&resp);
                    assert_eq!(
                        Dialog::uac_seeded(&seed, &resp, false),
                        Dialog::uac(&req, &resp, false),
                        "{from} / {to} / {their_from} / {their_to}"
                    );
                }
            }
        }
    }
}

/// §12: the dialog ID is the triple (Call-ID, local tag, remote tag); its
/// one joined buffer must not let parts run into each other, and an ID
/// longer than the stack buffer it is joined in is kept whole.
#[test]
fn rfc3261_12_dialog_id_parts_stay_apart() {
    let a = DialogId::new("ab", "c", "d");
    let b = DialogId::new("a", "bc", "d");
    assert_ne!(a, b);
    assert_eq!((a.call_id(), a.local_tag(), a.remote_tag()), ("ab", "c", "d"));
    assert_eq!((b.call_id(), b.local_tag(), b.remote_tag()), ("a", "bc", "d"));
    // Ordered as the tuple is.
    assert!(b < a);
    assert_eq!(a.clone(), a);
    let long = "x".repeat(300);
    let l = DialogId::new(&long, "t1", "");
    assert_eq!((l.call_id(), l.local_tag(), l.remote_tag()), (long.as_str(), "t1", ""));
    let mut set = std::collections::HashSet::new();
    set.insert(a.clone());
    assert!(set.contains(&DialogId::new("ab", "c", "d")));
    assert!(!set.contains(&b));
}

/// The bytes of every message of a basic call (RFC 3261 §8.1.1 INVITE,
/// §8.2.6 180 and 200, §13.2.2.4 ACK, §12.2.1.1 BYE and its 200), built
/// the way the UA core builds them: pinned, so that faster builders and
/// dialogs keep writing exactly this canonical SIP.
#[test]
fn rfc3261_8_1_1_12_2_1_1_basic_call_bytes_are_pinned() {
    use crate::message::builder::response_to;
    let via = |b: RequestBuilder, branch: &str| {
        b.top_via_clean(&[
            b"SIP/2.0/",
            b"UDP",
            b" ",
            b"192.0.2.1",
            b":",
            b"5060",
            b";branch=",
            branch.as_bytes(),
            b";rport",
        ])
    };
    let text = |m: &crate::message::builder::OwnedMessage| String::from_utf8(m.as_bytes().to_vec()).unwrap();
    let invite = RequestBuilder::new(Method::Invite, "sip:bob@192.0.2.2")
        .set_header_tagged(HeaderName::From, b"<sip:alice@192.0.2.1>", b"aTag1")
        .to("<sip:bob@192.0.2.2>")
        .call_id("cid0123456789")
        .cseq(4711)
        .header_clean(HeaderName::Contact, "<sip:alice@192.0.2.1:5060>");
    let seed = UacSeed::of_builder(&invite);
    let invite = via(invite, "z9hG4bKinv").build().unwrap();
    assert_eq!(
        text(&invite),
        "INVITE sip:bob@192.0.2.2 SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv;rport\r\n\
Max-Forwards: 70\r\n\
From: <sip:alice@192.0.2.1>;tag=aTag1\r\n\
To: <sip:bob@192.0.2.2>\r\n\
Call-ID: cid0123456789\r\n\
CSeq: 4711 INVITE\r\n\
Contact: <sip:alice@192.0.2.1:5060>\r\n\
Content-Length: 0\r\n\r\n"
    );
    let inv = invite.parse().unwrap();
    let ringing = response_to(&inv, StatusCode::RINGING, Some("bTag2"))
        .header_clean(HeaderName::Contact, "<sip:bob@192.0.2.2:5060>")
        .build()
        .unwrap();
    let ok = response_to(&inv, StatusCode::OK, Some("bTag2"))
        .header_clean(HeaderName::Contact, "<sip:bob@192.0.2.2:5060>")
        .body("application/sdp", b"v=0\r\n".to_vec())
        .build()
        .unwrap();
    let head = "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv;rport\r\n\
From: <sip:alice@192.0.2.1>;tag=aTag1\r\n\
To: <sip:bob@192.0.2.2>;tag=bTag2\r\n\
Call-ID: cid0123456789\r\n\
CSeq: 4711 INVITE\r\n\
Contact: <sip:bob@192.0.2.2:5060>\r\n";
    assert_eq!(text(&ringing), format!("SIP/2.0 180 Ringing\r\n{head}Content-Length: 0\r\n\r\n"));
    assert_eq!(
        text(&ok),
        format!("SIP/2.0 200 OK\r\n{head}Content-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n")
    );
    let mut d = Dialog::uac_seeded(&seed, &ok.parse().unwrap(), false).unwrap();
    let ack = via(d.ack(4711), "z9hG4bKack").build().unwrap();
    let in_dialog = |method: &str, seq: u32, branch: &str| {
        format!(
            "{method} sip:bob@192.0.2.2:5060 SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.1:5060;branch={branch};rport\r\n\
Max-Forwards: 70\r\n\
To: <sip:bob@192.0.2.2>;tag=bTag2\r\n\
From: <sip:alice@192.0.2.1>;tag=aTag1\r\n\
Call-ID: cid0123456789\r\n\
CSeq: {seq} {method}\r\n\
Content-Length: 0\r\n\r\n"
        )
    };
    assert_eq!(text(&ack), in_dialog("ACK", 4711, "z9hG4bKack"));
    let bye = via(d.request(Method::Bye, 1).unwrap(), "z9hG4bKbye").build().unwrap();
    assert_eq!(text(&bye), in_dialog("BYE", 4712, "z9hG4bKbye"));
    let bye = bye.parse().unwrap();
    let bye_ok = response_to(&bye, StatusCode::OK, Some("aTag1")).build().unwrap();
    assert_eq!(
        text(&bye_ok),
        "SIP/2.0 200 OK\r\n\
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKbye;rport\r\n\
From: <sip:alice@192.0.2.1>;tag=aTag1\r\n\
To: <sip:bob@192.0.2.2>;tag=bTag2\r\n\
Call-ID: cid0123456789\r\n\
CSeq: 4712 BYE\r\n\
Content-Length: 0\r\n\r\n"
    );
}

/// §12.2.1.1: the Request-URI, To and From of an in-dialog request are
/// the dialog's, which come from URIs the parser decoded, and go into the
/// builder unchecked. Differential: every such request equals the one the
/// checked builder calls make, over From/To forms, a remote tag that is
/// empty (RFC 2543 peer) or a token, UAC and UAS side.
#[test]
fn rfc3261_12_2_1_1_unchecked_dialog_parts_equal_the_checked_build() {
    use crate::message::builder::RequestBuilder;
    fn via(b: RequestBuilder) -> Vec<u8> {
        b.top_via("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx").build().unwrap().into_bytes()
    }
    fn checked(d: &Dialog, method: Method<'_>, seq: u32) -> Vec<u8> {
        let mut b = RequestBuilder::new(method, d.remote_target());
        for (name, uri, tag) in [
            (HeaderName::To, d.remote_uri(), d.id().remote_tag()),
            (HeaderName::From, d.local_uri(), d.id().local_tag()),
        ] {
            let v = if tag.is_empty() { String::from(uri) } else { format!("{uri};tag={tag}") };
            b = b.set_header(name, v.as_bytes());
        }
        via(b.call_id(d.id().call_id()).cseq(seq))
    }
    let tos = [
        "Bob <sip:bob@biloxi.example.com>",
        "sip:bob@biloxi.example.com;x=1",
        "<sips:b%40c@[2001:db8::1]:5061>",
    ];
    for to in tos {
        for tag in [";tag=a6c85cf", ""] {
            let invite =
                without_routes(INVITE).replace("To: Bob <sip:bob@biloxi.example.com>", &format!("To: {to}"));
            let ok = without_routes(&ok_for(&invite))
                .replace("To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf", &format!("To: {to}{tag}"));
            let mut uac = Dialog::uac(&msg(&invite), &msg(&ok), false).unwrap();
            let ack = via(uac.ack(314159));
            assert_eq!(ack, checked(&uac, Method::Ack, 314159), "{to}{tag}");
            let bye = via(uac.request(Method::Bye, 1).unwrap());
            assert_eq!(bye, checked(&uac, Method::Bye, 314160), "{to}{tag}");
            let mut uas = Dialog::uas(&msg(&invite), "t9", "<sip:bob@192.0.2.4>", true, false).unwrap();
            let bye = via(uas.request(Method::Bye, 77).unwrap());
            assert_eq!(bye, checked(&uas, Method::Bye, 77), "{to}{tag}");
        }
    }
}

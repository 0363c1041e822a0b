//! Transaction matching keys (RFC 3261 §17.1.3, §17.2.3, §9.2).
//!
//! A [`Key`] is a canonical byte string: two messages belong to the same
//! transaction exactly when their keys are equal, so an owner can keep
//! transactions in any map. Keys are built from a parsed message without
//! allocating in the common case (up to 80 bytes inline).

use smallvec::SmallVec;

use crate::message::headers::{MAGIC_COOKIE, Via};
use crate::message::uri::Host;
use crate::message::{HeaderName, Message, Method};

/// A transaction matching key.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key(SmallVec<[u8; 80]>);

impl core::fmt::Debug for Key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Key(\"{}\")", self.0.escape_ascii())
    }
}

/// Keys up to this long live inline.
const INLINE: usize = 80;

impl Key {
    /// The canonical bytes (for hashing).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The key `layout` writes: into an inline buffer, with no growth
    /// check per part; the rare time it does not fit, the first pass has
    /// counted its length, and it is written again into a vector of that
    /// size.
    #[inline(always)]
    fn build(layout: impl Fn(&mut Out<'_>)) -> Key {
        let mut inline = [0u8; INLINE];
        let mut out = Out { buf: &mut inline, at: 0, overflow: false };
        layout(&mut out);
        let (len, overflow) = (out.at, out.overflow);
        if !overflow {
            return Key(SmallVec::from_buf_and_len(inline, len));
        }
        let mut v = alloc::vec![0u8; len];
        let mut out = Out { buf: &mut v, at: 0, overflow: false };
        layout(&mut out);
        Key(SmallVec::from_vec(v))
    }

    /// Whether this is an RFC 2543 key (a request without the magic
    /// cookie, §17.2.3): an ACK it finds matches only if its To tag is
    /// the one of the response the transaction sent.
    pub fn is_rfc2543(&self) -> bool {
        self.0.first() == Some(&b'L')
    }

    /// The heap bytes the key uses beyond its own size (zero when inline).
    pub fn heap_size(&self) -> usize {
        if self.0.spilled() { self.0.capacity() } else { 0 }
    }
}

/// Where a key's layout is written. `at` counts every byte written,
/// whether it fitted or not.
struct Out<'b> {
    buf: &'b mut [u8],
    at: usize,
    overflow: bool,
}

impl Out<'_> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        match self.buf.get_mut(self.at..self.at + bytes.len()) {
            Some(d) => d.copy_from_slice(bytes),
            None => self.overflow = true,
        }
        self.at += bytes.len();
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        match self.buf.get_mut(self.at) {
            Some(d) => *d = b,
            None => self.overflow = true,
        }
        self.at += 1;
    }

    /// A part and the zero byte that ends it.
    #[inline(always)]
    fn part(&mut self, bytes: &[u8]) {
        self.put(bytes);
        self.byte(0);
    }
}

/// The key of the client transaction a request creates, or a response
/// matches (§17.1.3): the top Via branch and the CSeq method. The method
/// keeps a CANCEL apart from the INVITE whose branch it shares.
pub fn client_key(branch: &str, method: Method<'_>) -> Key {
    Key::build(|o| {
        o.byte(b'C');
        o.part(method.as_str().as_bytes());
        o.part(branch.as_bytes());
    })
}

/// The client key a response matches (§17.1.3), or `None` when it has no
/// top Via branch or no CSeq (such a response matches nothing).
pub fn response_key(response: &Message<'_>) -> Option<Key> {
    let branch = response.top_via().ok()?.branch()?;
    let method = response.cseq().ok()?.method;
    Some(client_key(branch, method))
}

/// The server transaction key of a request (§17.2.3).
///
/// With the magic cookie: the branch, the sent-by of the top Via (host
/// case-insensitive, port as written) and the method, ACK counting as
/// INVITE. Without it (RFC 2543 peers, RFC 4475 `badbranch`): the
/// Request-URI, To tag, From tag, Call-ID, CSeq number and the top Via as
/// written, and again the method with ACK as INVITE.
///
/// An RFC 2543 ACK is matched by the INVITE's fields but the To tag
/// (§17.2.3): its own To tag is the one of the response the transaction
/// sent, which the INVITE did not carry unless it was sent in a dialog.
/// So its key here is that of an INVITE without a To tag (one that
/// opened a dialog), and [`rfc2543_ack_in_dialog_key`] gives the key of
/// an INVITE with the ACK's To tag (one sent in a dialog); a transaction
/// either finds matches only if the ACK's To tag also equals the To tag of
/// the response it sent ([`Key::is_rfc2543`] tells the owner to check).
pub fn server_key(request: &Message<'_>) -> Option<Key> {
    let method = request.method()?;
    if method == Method::Ack {
        return server_key_for(request, Method::Invite, Some(""));
    }
    server_key_for(request, method, None)
}

/// The key of the INVITE server transaction a CANCEL cancels (§9.2: "the
/// same rules as §17.2.3 except the method"; the CANCEL's To is the
/// INVITE's, §9.1).
pub fn cancelled_invite_key(cancel: &Message<'_>) -> Option<Key> {
    server_key_for(cancel, Method::Invite, None)
}

/// For an RFC 2543 ACK (no magic cookie) with a To tag: the key of the
/// INVITE server transaction of an INVITE sent in a dialog, which carried
/// that To tag, where [`server_key`] gives the one of an INVITE without
/// a To tag (§17.2.3). `None` for any other request.
pub fn rfc2543_ack_in_dialog_key(ack: &Message<'_>) -> Option<Key> {
    if ack.method()? != Method::Ack || ack.to().ok()?.tag().is_none() {
        return None;
    }
    let key = server_key_for(ack, Method::Invite, None)?;
    key.is_rfc2543().then_some(key)
}

/// `to_tag`: the To tag to key by in place of the request's own (an
/// ACK's key is that of the INVITE it acknowledges); `None` for the
/// request's own.
fn server_key_for(request: &Message<'_>, method: Method<'_>, to_tag: Option<&str>) -> Option<Key> {
    let via = request.top_via().ok()?;
    // RFC 4475 §3.2.1 (badbranch): a branch that is the magic cookie and
    // nothing else carries no transaction identifier, so it cannot key a
    // transaction (every such request from one sent-by would match the
    // first); fall back to the RFC 2543 identifier, as §3.2.1 allows.
    let identified = via.branch().is_some_and(|b| b.len() > MAGIC_COOKIE.len());
    if via.has_magic_cookie() && identified {
        let branch = via.branch()?;
        Some(Key::build(|o| {
            o.byte(b'S');
            o.part(method.as_str().as_bytes());
            sent_by(o, &via);
            o.part(branch.as_bytes());
        }))
    } else {
        let uri = request.request()?.raw_uri;
        let to_tag = match to_tag {
            Some(t) => t,
            None => request.to().ok()?.tag().unwrap_or(""),
        };
        let tag = request.from().ok()?.tag().unwrap_or("");
        let call_id = request.call_id().ok()?;
        let seq = request.cseq().ok()?.seq;
        let top = request.header_values(HeaderName::Via).next()?;
        Some(Key::build(|o| {
            o.byte(b'L');
            o.part(method.as_str().as_bytes());
            o.part(uri);
            o.part(to_tag.as_bytes());
            o.part(tag.as_bytes());
            o.part(call_id.as_bytes());
            o.part(&seq.to_be_bytes());
            o.part(top);
        }))
    }
}

fn sent_by(o: &mut Out<'_>, via: &Via<'_>) {
    match via.host {
        Host::Domain(d) => {
            o.byte(b'd');
            // The host compares case-insensitively (§17.2.3 via §20.42).
            for c in d.bytes() {
                o.byte(c.to_ascii_lowercase());
            }
            o.byte(0);
        }
        Host::Ipv4(a) => {
            o.byte(b'4');
            o.part(&a);
        }
        Host::Ipv6 { addr, .. } => {
            o.byte(b'6');
            for g in addr {
                o.put(&g.to_be_bytes());
            }
            o.byte(0);
        }
    }
    match via.port {
        Some(p) => o.part(&p.to_be_bytes()),
        None => o.part(b""),
    }
}

/// The key of the transaction a merged request would collide with
/// (§8.2.2.2): From tag, Call-ID and CSeq, for requests without a To tag.
/// `None` when the request has a To tag (it is in a dialog) or lacks a
/// field.
pub fn merge_key(request: &Message<'_>) -> Option<Key> {
    if request.to().ok()?.tag().is_some() {
        return None;
    }
    let cseq = request.cseq().ok()?;
    let tag = request.from().ok()?.tag()?;
    let call_id = request.call_id().ok()?;
    Some(Key::build(|o| {
        o.byte(b'M');
        o.part(cseq.method.as_str().as_bytes());
        o.part(tag.as_bytes());
        o.part(call_id.as_bytes());
        o.part(&cseq.seq.to_be_bytes());
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(s: &str) -> Message<'_> {
        Message::parse(s.as_bytes()).unwrap()
    }

    const INVITE: &str = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP PC33.Atlanta.example.com:5060;branch=z9hG4bK776asdhds\r\n\
To: <sip:bob@biloxi.example.com>\r\nFrom: <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n";

    #[test]
    fn rfc3261_17_2_3_ack_and_retransmission_match_the_invite() {
        let invite = server_key(&msg(INVITE)).unwrap();
        let retrans = INVITE.replace("PC33.Atlanta", "pc33.atlanta");
        assert_eq!(server_key(&msg(&retrans)).unwrap(), invite, "sent-by host is case-insensitive");
        let ack = INVITE.replace("INVITE sip", "ACK sip").replace("314159 INVITE", "314159 ACK");
        assert_eq!(server_key(&msg(&ack)).unwrap(), invite);
        let other_port = INVITE.replace(":5060;", ":5070;");
        assert_ne!(server_key(&msg(&other_port)).unwrap(), invite, "sent-by port matters");
        let other_branch = INVITE.replace("776asdhds", "776asdhdt");
        assert_ne!(server_key(&msg(&other_branch)).unwrap(), invite);
    }

    #[test]
    fn rfc3261_9_2_cancel_is_its_own_transaction_but_names_the_invite() {
        let cancel = INVITE.replace("INVITE sip", "CANCEL sip").replace("314159 INVITE", "314159 CANCEL");
        let cancel = msg(&cancel);
        let invite = server_key(&msg(INVITE)).unwrap();
        assert_ne!(server_key(&cancel).unwrap(), invite);
        assert_eq!(cancelled_invite_key(&cancel).unwrap(), invite);
    }

    #[test]
    fn rfc3261_17_1_3_response_matches_by_branch_and_cseq_method() {
        let ok = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
To: <sip:bob@biloxi.example.com>;tag=x\r\nFrom: <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(response_key(&msg(ok)), Some(client_key("z9hG4bK776asdhds", Method::Invite)));
        let cancel_ok = ok.replace("314159 INVITE", "314159 CANCEL");
        assert_eq!(response_key(&msg(&cancel_ok)), Some(client_key("z9hG4bK776asdhds", Method::Cancel)));
    }

    #[test]
    fn rfc3261_17_2_3_rfc2543_fallback_without_magic_cookie() {
        // RFC 4475 §3.3.9 (badbranch): a branch without the cookie is
        // matched the RFC 2543 way.
        let old = INVITE.replace("z9hG4bK776asdhds", "776asdhds");
        let k = server_key(&msg(&old)).unwrap();
        assert!(k.is_rfc2543());
        assert!(!server_key(&msg(INVITE)).unwrap().is_rfc2543());
        // The ACK (of any response: it carries the response's To tag)
        // keys as the INVITE without a To tag.
        let ack = old.replace("INVITE sip", "ACK sip").replace("314159 INVITE", "314159 ACK");
        assert_eq!(server_key(&msg(&ack)).unwrap(), k);
        let tagged_ack =
            ack.replace("<sip:bob@biloxi.example.com>\r\n", "<sip:bob@biloxi.example.com>;tag=b1\r\n");
        assert_eq!(server_key(&msg(&tagged_ack)).unwrap(), k);
        let other_uri = old.replace("INVITE sip:bob@", "INVITE sip:robert@");
        assert_ne!(server_key(&msg(&other_uri)).unwrap(), k);
        // An INVITE's To tag is part of its identity: the same INVITE in
        // a dialog is another transaction...
        let in_dialog =
            old.replace("<sip:bob@biloxi.example.com>\r\n", "<sip:bob@biloxi.example.com>;tag=b1\r\n");
        let d = server_key(&msg(&in_dialog)).unwrap();
        assert_ne!(d, k);
        // ...which the ACK with that To tag names by its in-dialog key,
        // as a CANCEL with that To names it.
        assert_eq!(rfc2543_ack_in_dialog_key(&msg(&tagged_ack)), Some(d.clone()));
        let cancel = in_dialog.replace("INVITE sip", "CANCEL sip").replace("314159 INVITE", "314159 CANCEL");
        assert_eq!(cancelled_invite_key(&msg(&cancel)), Some(d));
        // No in-dialog key for an ACK without a To tag, one with the
        // cookie, or another method.
        assert_eq!(rfc2543_ack_in_dialog_key(&msg(&ack)), None);
        let cookie_ack = INVITE.replace("INVITE sip", "ACK sip").replace("314159 INVITE", "314159 ACK");
        let cookie_ack =
            cookie_ack.replace("<sip:bob@biloxi.example.com>\r\n", "<sip:bob@biloxi.example.com>;tag=b1\r\n");
        assert_eq!(rfc2543_ack_in_dialog_key(&msg(&cookie_ack)), None);
        assert_eq!(rfc2543_ack_in_dialog_key(&msg(&in_dialog)), None);
        // Other methods compare the To tag too.
        let options = old.replace("INVITE sip", "OPTIONS sip").replace("314159 INVITE", "314159 OPTIONS");
        let tagged =
            options.replace("<sip:bob@biloxi.example.com>\r\n", "<sip:bob@biloxi.example.com>;tag=b1\r\n");
        assert_ne!(server_key(&msg(&options)), server_key(&msg(&tagged)));
    }

    #[test]
    fn rfc4475_3_2_1_a_bare_magic_cookie_falls_back_to_rfc2543_matching() {
        let bare = INVITE.replace("z9hG4bK776asdhds", "z9hG4bK");
        let k = server_key(&msg(&bare)).unwrap();
        assert!(k.is_rfc2543());
        let other_call = bare.replace("a84b4c76e66710", "a84b4c76e66711");
        assert_ne!(server_key(&msg(&other_call)).unwrap(), k);
    }

    #[test]
    fn keys_longer_than_the_inline_buffer_are_whole() {
        let branch = alloc::format!("z9hG4bK{}", "x".repeat(200));
        let k = client_key(&branch, Method::Options);
        let mut want = alloc::vec![b'C'];
        want.extend_from_slice(b"OPTIONS\0");
        want.extend_from_slice(branch.as_bytes());
        want.push(0);
        assert_eq!(k.as_bytes(), &want[..]);
        assert!(k.heap_size() >= want.len());
        let short = client_key("z9hG4bK1", Method::Options);
        assert_eq!(short.as_bytes(), b"COPTIONS\0z9hG4bK1\0");
        assert_eq!(short.heap_size(), 0);
    }

    #[test]
    fn rfc3261_8_2_2_2_merge_key_only_outside_dialogs() {
        let a = merge_key(&msg(INVITE)).unwrap();
        let forked = INVITE.replace("776asdhds", "other-branch");
        assert_eq!(merge_key(&msg(&forked)).unwrap(), a);
        let in_dialog =
            INVITE.replace("<sip:bob@biloxi.example.com>\r\n", "<sip:bob@biloxi.example.com>;tag=9\r\n");
        assert_eq!(merge_key(&msg(&in_dialog)), None);
    }
}

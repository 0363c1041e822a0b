//! quickcheck properties of the grammar and framing.
//!
//! `GenMessage` generates valid messages as structured values that know what
//! every header means — long and compact names in random letter case,
//! quoted strings with escaped quotes and commas, `<...>` holding commas,
//! generic parameters, line folding, list headers as comma lists or repeated
//! fields, multipart bodies (sometimes nested) — then renders them to bytes.

use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use sip_proto::message::builder::{MessageEdit, OwnedMessage};
use sip_proto::message::multipart::Multipart;
use sip_proto::message::{HeaderName, Message};
use sip_proto::transport::{BytesDeframer, Frame, StreamDeframer};

fn pick<T: Copy>(g: &mut Gen, xs: &[T]) -> T {
    *g.choose(xs).unwrap()
}

fn num(g: &mut Gen, max: u32) -> u32 {
    u32::arbitrary(g) % (max + 1)
}

fn token(g: &mut Gen) -> String {
    const CH: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~";
    let n = 1 + num(g, 10) as usize;
    (0..n).map(|_| pick(g, CH) as char).collect()
}

fn alnum(g: &mut Gen) -> String {
    const CH: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let n = 1 + num(g, 8) as usize;
    (0..n).map(|_| pick(g, CH) as char).collect()
}

fn host(g: &mut Gen) -> String {
    match num(g, 2) {
        0 => format!("{}.example.com", alnum(g)),
        1 => format!("192.0.2.{}", num(g, 255)),
        _ => format!("[2001:db8::{:x}]", num(g, 0xffff)),
    }
}

/// A quoted string with escaped quotes/backslashes and separators inside.
fn quoted(g: &mut Gen) -> String {
    const CH: &[&str] = &["a", "B", " ", ",", ";", "<", ">", "\\\"", "\\\\", "=", "é", "x"];
    let n = num(g, 8) as usize;
    let inner: String = (0..n).map(|_| pick(g, CH)).collect();
    format!("\"{inner}\"")
}

/// A generic-param name that is not one of the names whose value has a
/// grammar of its own (q, expires, tag, branch, ... — RFC 3261 §25.1), so an
/// arbitrary value is valid for it.
fn param_name(g: &mut Gen) -> String {
    const RESERVED: &[&str] =
        &["q", "expires", "tag", "branch", "received", "rport", "maddr", "ttl", "duration", "handling"];
    let t = token(g);
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&t)) { format!("x{t}") } else { t }
}

fn params(g: &mut Gen) -> String {
    let mut s = String::new();
    for _ in 0..num(g, 3) {
        let sep = pick(g, &[";", " ;", "; ", " ; "]);
        match num(g, 2) {
            0 => s += &format!("{sep}{}", param_name(g)),
            1 => s += &format!("{sep}{}={}", param_name(g), token(g)),
            _ => s += &format!("{sep}{}={}", param_name(g), quoted(g)),
        }
    }
    s
}

fn sip_uri(g: &mut Gen) -> String {
    format!("sip:{}@{}", alnum(g), host(g))
}

fn name_addr(g: &mut Gen, tag: bool) -> String {
    let dn = match num(g, 2) {
        0 => String::new(),
        1 => format!("{} ", quoted(g)),
        _ => format!("{} {} ", alnum(g), alnum(g)),
    };
    let uri_params = if bool::arbitrary(g) { ";lr".to_string() } else { String::new() };
    let tag = if tag { format!(";tag={}", alnum(g)) } else { String::new() };
    format!("{dn}<{}{uri_params}>{tag}{}", sip_uri(g), params(g))
}

fn via(g: &mut Gen) -> String {
    let t = pick(g, &["UDP", "TCP", "TLS", "SCTP", "WS"]);
    let port = if bool::arbitrary(g) { format!(":{}", 1 + num(g, 65534)) } else { String::new() };
    let mut v = format!("SIP/2.0/{t} {}{port};branch=z9hG4bK{}", host(g), alnum(g));
    if bool::arbitrary(g) {
        v += ";rport";
    }
    if bool::arbitrary(g) {
        v += &format!(";received={}", host(g).trim_matches(|c| c == '[' || c == ']'));
    }
    v
}

/// Writes `name` as written on the wire: long or compact, random case.
fn spell(g: &mut Gen, name: HeaderName) -> String {
    let base = match name.compact() {
        Some(c) if bool::arbitrary(g) => c.to_string(),
        _ => name.as_str().to_string(),
    };
    base.chars()
        .map(|c| if bool::arbitrary(g) { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
        .collect()
}

/// Folds a value at some of its spaces (RFC 3261 §7.3.1).
fn fold(g: &mut Gen, v: &str) -> String {
    let mut out = String::new();
    let mut in_quotes = false;
    let mut prev = '\0';
    for c in v.chars() {
        if c == '"' && prev != '\\' {
            in_quotes = !in_quotes;
        }
        if c == ' ' && num(g, 3) == 0 {
            out += pick(g, &["\r\n ", "\r\n\t", "\r\n  "]);
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

/// Normalises LWS per RFC 3261 §7.3.1 (a fold is one SP; SP runs are one;
/// LWS around the value is not part of it).
fn norm(v: &[u8]) -> Vec<u8> {
    let v = v.trim_ascii();
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let ws = matches!(v[i], b' ' | b'\t')
            || (v[i] == b'\r'
                && v.get(i + 1) == Some(&b'\n')
                && v.get(i + 2).is_some_and(|c| *c == b' ' || *c == b'\t'));
        if ws {
            while i < v.len() && matches!(v[i], b' ' | b'\t' | b'\r' | b'\n') {
                i += 1;
            }
            out.push(b' ');
        } else {
            out.push(v[i]);
            i += 1;
        }
    }
    out
}

#[derive(Clone, Debug)]
struct Part {
    content_type: &'static str,
    content_id: Option<String>,
    optional: bool,
    body: Vec<u8>,
    nested: Option<Vec<Part>>,
}

#[derive(Clone, Debug)]
struct GenMessage {
    start: String,
    /// (name as written, expected kind, value as written)
    headers: Vec<(String, HeaderName, String)>,
    body: Vec<u8>,
    parts: Option<(String, Vec<Part>)>,
}

fn gen_parts(g: &mut Gen, depth: u32) -> Vec<Part> {
    let n = 1 + num(g, 3) as usize;
    (0..n)
        .map(|i| {
            let nested = (depth == 0 && num(g, 4) == 0).then(|| gen_parts(g, 1));
            let body: Vec<u8> = if nested.is_some() {
                Vec::new()
            } else {
                let len = num(g, 40) as usize;
                (0..len)
                    .map(|_| {
                        if num(g, 9) == 0 {
                            pick(g, &[0u8, b'\n', b'\r', b'-'])
                        } else {
                            b'a' + (num(g, 25) as u8)
                        }
                    })
                    .collect()
            };
            Part {
                content_type: if nested.is_some() {
                    "multipart/mixed"
                } else {
                    pick(g, &["text/plain", "application/sdp", "application/octet-stream"])
                },
                content_id: bool::arbitrary(g).then(|| format!("{}{i}@{}", alnum(g), alnum(g))),
                optional: bool::arbitrary(g),
                body,
                nested,
            }
        })
        .collect()
}

fn render_parts(boundary: &str, parts: &[Part], depth: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        if let Some(inner) = &p.nested {
            let b = format!("{boundary}-n{depth}{i}");
            out.extend_from_slice(format!("Content-Type: multipart/mixed;boundary=\"{b}\"\r\n").as_bytes());
            if let Some(id) = &p.content_id {
                out.extend_from_slice(format!("Content-ID: <{id}>\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&render_parts(&b, inner, depth + 1));
        } else {
            out.extend_from_slice(format!("Content-Type: {}\r\n", p.content_type).as_bytes());
            if let Some(id) = &p.content_id {
                out.extend_from_slice(format!("Content-ID: <{id}>\r\n").as_bytes());
            }
            if p.optional {
                out.extend_from_slice(b"Content-Disposition: render;handling=optional\r\n");
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&p.body);
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

impl Arbitrary for GenMessage {
    fn arbitrary(g: &mut Gen) -> Self {
        let method = pick(g, &["INVITE", "REGISTER", "OPTIONS", "BYE", "MESSAGE", "NOTIFY", "FOO"]);
        let request = bool::arbitrary(g);
        let start = if request {
            format!("{method} {} SIP/2.0", sip_uri(g))
        } else {
            format!(
                "SIP/2.0 {} {}",
                100 + num(g, 599),
                pick(g, &["OK", "Ringing", "", "Not Found", "Très bien"])
            )
        };
        let mut headers = Vec::new();
        fn push(
            g: &mut Gen,
            headers: &mut Vec<(String, HeaderName, String)>,
            name: HeaderName,
            value: String,
        ) {
            let written = spell(g, name);
            let folded = fold(g, &value);
            headers.push((written, name, folded));
        }
        // Vias: one field with a list, or several fields.
        let vias: Vec<String> = (0..1 + num(g, 2)).map(|_| via(g)).collect();
        if bool::arbitrary(g) {
            push(g, &mut headers, HeaderName::Via, vias.join(", "));
        } else {
            for v in vias {
                push(g, &mut headers, HeaderName::Via, v);
            }
        }
        let from = name_addr(g, true);
        push(g, &mut headers, HeaderName::From, from);
        let to_tag = bool::arbitrary(g);
        let to = name_addr(g, to_tag);
        push(g, &mut headers, HeaderName::To, to);
        let call_id = format!("{}@{}", alnum(g), alnum(g));
        push(g, &mut headers, HeaderName::CallId, call_id);
        let cseq = format!("{} {method}", num(g, 1 << 30));
        push(g, &mut headers, HeaderName::CSeq, cseq);
        let mf = num(g, 255).to_string();
        push(g, &mut headers, HeaderName::MaxForwards, mf);
        for _ in 0..num(g, 5) {
            match num(g, 5) {
                0 => {
                    let routes: Vec<String> = (0..1 + num(g, 2)).map(|_| name_addr(g, false)).collect();
                    push(g, &mut headers, HeaderName::Route, routes.join(", "));
                }
                1 => {
                    let c = format!("{};expires={}", name_addr(g, false), num(g, 7200));
                    push(g, &mut headers, HeaderName::Contact, c);
                }
                2 => {
                    let tags: Vec<String> = (0..num(g, 3)).map(|_| token(g)).collect();
                    push(g, &mut headers, HeaderName::Supported, tags.join(", "));
                }
                3 => {
                    let subject = format!("{} {} {}", alnum(g), quoted(g), alnum(g));
                    push(g, &mut headers, HeaderName::Subject, subject);
                }
                _ => {
                    let name = format!("X-{}", alnum(g));
                    let value = format!("{} <sip:a@b;x=1,2> {}", quoted(g), params(g));
                    let written = name.clone();
                    headers.push((written, HeaderName::Other, fold(g, &value)));
                }
            }
        }
        let (body, parts) = match num(g, 2) {
            0 => (Vec::new(), None),
            1 => {
                let body: Vec<u8> = (0..num(g, 60)).map(|_| u8::arbitrary(g)).collect();
                headers.push((
                    "Content-Type".into(),
                    HeaderName::ContentType,
                    "application/octet-stream".into(),
                ));
                (body, None)
            }
            _ => {
                let boundary = format!("b{}", alnum(g));
                let parts = gen_parts(g, 0);
                let body = render_parts(&boundary, &parts, 0);
                headers.push((
                    spell(g, HeaderName::ContentType),
                    HeaderName::ContentType,
                    format!("multipart/mixed;boundary={boundary}"),
                ));
                (body, Some((boundary, parts)))
            }
        };
        GenMessage { start, headers, body, parts }
    }
}

impl GenMessage {
    fn render(&self) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.start).into_bytes();
        for (name, _, value) in &self.headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", self.body.len()).as_bytes());
        out.extend_from_slice(&self.body);
        out
    }
}

fn fields(m: &Message<'_>) -> Vec<(HeaderName, Vec<u8>)> {
    m.headers().filter(|h| h.name != HeaderName::ContentLength).map(|h| (h.name, h.value.to_vec())).collect()
}

fn qc() -> QuickCheck {
    QuickCheck::new().tests(300).max_tests(3000)
}

#[test]
fn rfc3261_7_3_1_parse_preserves_header_values() {
    fn prop(gm: GenMessage) -> TestResult {
        let bytes = gm.render();
        let m = match Message::parse(&bytes) {
            Ok(m) => m,
            Err(e) => return TestResult::error(format!("{e:?} on {}", String::from_utf8_lossy(&bytes))),
        };
        let got: Vec<(HeaderName, Vec<u8>)> = fields(&m).into_iter().map(|(n, v)| (n, norm(&v))).collect();
        let want: Vec<(HeaderName, Vec<u8>)> =
            gm.headers.iter().map(|(_, n, v)| (*n, norm(v.as_bytes()))).collect();
        if got != want {
            return TestResult::error(format!("headers differ:\n got {got:?}\nwant {want:?}"));
        }
        TestResult::from_bool(m.body() == gm.body.as_slice())
    }
    qc().quickcheck(prop as fn(GenMessage) -> TestResult);
}

#[test]
fn rfc3261_7_3_1_typed_transaction_headers_decode() {
    // Every generated message's transaction headers decode to what was written.
    fn prop(gm: GenMessage) -> TestResult {
        let bytes = gm.render();
        let m = Message::parse(&bytes).unwrap();
        let n_vias: usize = gm
            .headers
            .iter()
            .filter(|h| h.1 == HeaderName::Via)
            .map(|h| h.2.matches("SIP/2.0/").count())
            .sum();
        let fail = |what: &str| TestResult::error(format!("{what} in {}", String::from_utf8_lossy(&bytes)));
        if m.vias().count() != n_vias || !m.vias().all(|v| v.is_ok_and(|v| v.has_magic_cookie())) {
            return fail("vias");
        }
        if m.from().unwrap().tag().is_none() {
            return fail("from tag");
        }
        if let Some(Err(e)) = m.contacts().find(|c| c.is_err()) {
            return fail(&format!("contact {e:?}"));
        }
        if let Some(Err(e)) = m.routes().find(|c| c.is_err()) {
            return fail(&format!("route {e:?}"));
        }
        if let Err(e) = sip_proto::message::validate::decode_all(&m) {
            return fail(&format!("decode_all {e:?}"));
        }
        TestResult::passed()
    }
    qc().quickcheck(prop as fn(GenMessage) -> TestResult);
}

#[test]
fn rfc3261_7_parse_serialize_round_trip() {
    fn prop(gm: GenMessage) -> TestResult {
        let bytes = gm.render();
        let m = Message::parse(&bytes).unwrap();
        let canonical = OwnedMessage::canonical(&m);
        let again = match canonical.parse() {
            Ok(a) => a,
            Err(e) => return TestResult::error(format!("canonical form unparsable: {e:?}")),
        };
        if fields(&again) != fields(&m) || again.body() != m.body() || again.start_line() != m.start_line() {
            return TestResult::failed();
        }
        // Canonical names are the long forms.
        for h in again.headers() {
            if h.name != HeaderName::Other && h.raw_name != h.name.as_str().as_bytes() {
                return TestResult::error(format!(
                    "non-canonical name {:?}",
                    String::from_utf8_lossy(h.raw_name)
                ));
            }
        }
        // A no-op edit reproduces every field.
        let edited = MessageEdit::new(&m).to_vec();
        let e = Message::parse(&edited).unwrap();
        TestResult::from_bool(fields(&e) == fields(&m) && e.body() == m.body())
    }
    qc().quickcheck(prop as fn(GenMessage) -> TestResult);
}

#[test]
fn rfc3261_7_3_1_comma_list_equals_repeated_fields() {
    fn prop(gm: GenMessage) -> bool {
        let values: Vec<String> = (0..3).map(|i| format!("<sip:p{i}@example.com;lr>")).collect();
        let base = gm.render();
        let head_end = base.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 2;
        let with = |extra: String| {
            let mut v = base[..head_end].to_vec();
            v.extend_from_slice(extra.as_bytes());
            v.extend_from_slice(&base[head_end..]);
            v
        };
        let one = with(format!("Record-Route: {}\r\n", values.join(" ,\r\n ")));
        let many = with(values.iter().map(|v| format!("Record-Route: {v}\r\n")).collect());
        let a = Message::parse(&one).unwrap();
        let b = Message::parse(&many).unwrap();
        let va: Vec<_> = a.header_values(HeaderName::RecordRoute).collect();
        let vb: Vec<_> = b.header_values(HeaderName::RecordRoute).collect();
        va == vb && va.len() == 3
    }
    qc().quickcheck(prop as fn(GenMessage) -> bool);
}

fn check_parts(mp: &Multipart<'_>, parts: &[Part]) -> bool {
    let got: Vec<_> = mp.parts().collect();
    if got.len() != parts.len() {
        return false;
    }
    for (p, want) in got.iter().zip(parts) {
        if let Some(inner) = &want.nested {
            match p.as_multipart() {
                Some(Ok(n)) if check_parts(&n, inner) => {}
                _ => return false,
            }
        } else if p.body() != want.body.as_slice() || p.handling_required() == want.optional {
            return false;
        }
        if let Some(id) = &want.content_id {
            if mp.find_by_content_id(id.as_bytes()).is_none() {
                return false;
            }
        }
    }
    true
}

#[test]
fn rfc5621_multipart_parts_byte_exact() {
    fn prop(gm: GenMessage) -> TestResult {
        let Some((_, parts)) = &gm.parts else { return TestResult::discard() };
        let bytes = gm.render();
        let m = Message::parse(&bytes).unwrap();
        match Multipart::of(&m) {
            Some(Ok(mp)) => TestResult::from_bool(check_parts(&mp, parts)),
            other => TestResult::error(format!("{other:?}")),
        }
    }
    qc().quickcheck(prop as fn(GenMessage) -> TestResult);
}

#[test]
fn rfc3261_7_parse_never_panics_on_arbitrary_bytes() {
    fn prop(bytes: Vec<u8>) -> bool {
        if let Ok(m) = Message::parse(&bytes) {
            let _ = sip_proto::message::validate::decode_all(&m);
            return m.as_bytes().len() <= bytes.len();
        }
        true
    }
    QuickCheck::new().tests(2000).quickcheck(prop as fn(Vec<u8>) -> bool);
}

#[test]
fn rfc3261_7_parse_never_panics_on_mutated_messages() {
    fn prop(gm: GenMessage, at: usize, byte: u8, cut: usize) -> bool {
        let mut bytes = gm.render();
        let n = bytes.len();
        bytes[at % n] = byte;
        bytes.truncate(n - cut % (n / 2 + 1));
        sip_proto::fuzzing::message(&bytes);
        sip_proto::fuzzing::roundtrip(&bytes);
        true
    }
    qc().quickcheck(prop as fn(GenMessage, usize, u8, usize) -> bool);
}

/// What a deframer yields for a whole stream, chunked as `cuts` says.
fn deframe_slice(stream: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut d = StreamDeframer::new(vec![0u8; 1 << 16], sip_proto::message::Limits::DEFAULT);
    let mut out = Vec::new();
    let mut pos = 0usize;
    for &c in cuts.iter().chain(std::iter::once(&usize::MAX)) {
        let end = pos.saturating_add(c.max(1)).min(stream.len());
        let mut off = pos;
        while off < end {
            off += d.push(&stream[off..end]);
            while let Some(f) = d.poll() {
                if let Ok(Frame::Message(m)) = f {
                    out.push(m.to_vec());
                }
            }
        }
        pos = end;
        if pos == stream.len() {
            break;
        }
    }
    out
}

fn deframe_bytes(stream: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut d = BytesDeframer::new(sip_proto::message::Limits::DEFAULT);
    let mut out = Vec::new();
    let mut pos = 0usize;
    for &c in cuts.iter().chain(std::iter::once(&usize::MAX)) {
        let end = pos.saturating_add(c.max(1)).min(stream.len());
        d.push(&stream[pos..end]);
        while let Some(f) = d.poll() {
            if let Ok(Frame::Message(m)) = f {
                out.push(m.to_vec());
            }
        }
        pos = end;
        if pos == stream.len() {
            break;
        }
    }
    out
}

#[test]
fn rfc3261_18_3_deframer_independent_of_chunking() {
    fn prop(msgs: Vec<GenMessage>, keepalives: Vec<bool>, cuts: Vec<usize>) -> TestResult {
        if msgs.is_empty() {
            return TestResult::discard();
        }
        let mut stream = Vec::new();
        let mut want = Vec::new();
        for (i, m) in msgs.iter().take(4).enumerate() {
            // RFC 5626 §4.4.1 keep-alives between messages.
            if keepalives.get(i).copied().unwrap_or(false) {
                stream.extend_from_slice(b"\r\n\r\n");
            }
            let bytes = m.render();
            stream.extend_from_slice(&bytes);
            want.push(bytes);
        }
        let cuts: Vec<usize> = cuts.iter().map(|c| 1 + c % 97).collect();
        let a = deframe_slice(&stream, &cuts);
        let b = deframe_bytes(&stream, &cuts);
        let whole = deframe_bytes(&stream, &[]);
        TestResult::from_bool(a == want && b == want && whole == want)
    }
    QuickCheck::new().tests(150).quickcheck(prop as fn(Vec<GenMessage>, Vec<bool>, Vec<usize>) -> TestResult);
}

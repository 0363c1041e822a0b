//! Warning (RFC 3261 §20.43), Feature-Caps (RFC 6809 §9; RFC 8599 §8),
//! Event and Subscription-State (RFC 6665 §8.2), Reason (RFC 3326),
//! Privacy (RFC 3323 §4.2), Session-Expires and Min-SE (RFC 4028 §4, §5).

use super::lists::{TypedValues, is_event_type};
use super::scalar::parse_u32_field;
use crate::message::error::{Element, ErrorKind, ParseError};
use crate::message::lex;
use crate::message::name::HeaderName;
use crate::message::parse::Message;

fn err(name: HeaderName) -> ParseError {
    ParseError::header(name)
}

/// Reads `1*DIGIT` at the start of `v`, then validates it as a u32.
/// Returns the number and where the digits end.
fn leading_u32(v: &[u8], name: HeaderName) -> Result<(u32, usize), ParseError> {
    let end = v.iter().position(|&c| !lex::is_digit(c)).unwrap_or(v.len());
    Ok((parse_u32_field(&v[..end], name)?, end))
}

/// Validates a `*( SEMI generic-param )` tail and returns it.
fn params_of(v: &[u8], name: HeaderName) -> Result<lex::Params<'_>, ParseError> {
    let p = lex::Params::new(v);
    p.validate().map_err(|_| err(name))?;
    Ok(p)
}

/// One Warning value (RFC 3261 §20.43): `warn-code SP warn-agent SP
/// warn-text`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Warning<'a> {
    /// The three-digit warning code (3xx are defined by RFC 3261 §20.43).
    pub code: u16,
    /// The warn-agent: a `hostport` or a `pseudonym` token, as written.
    pub agent: &'a str,
    /// The warn-text: the inside of the quoted string, quoted-pairs still
    /// escaped (resolve with [`lex::Unquoted`]).
    pub text: &'a [u8],
}

impl<'a> Warning<'a> {
    /// Parses one Warning value.
    pub fn parse(v: &'a [u8]) -> Result<Warning<'a>, ParseError> {
        Self::parse_header(v, HeaderName::Warning)
    }

    fn parse_header(v: &'a [u8], name: HeaderName) -> Result<Warning<'a>, ParseError> {
        let e = err(name);
        let v = lex::trim_lws(v);
        let code = v.get(..3).filter(|c| c.iter().all(|&c| lex::is_digit(c))).ok_or(e)?;
        let code = code.iter().fold(0u16, |n, &c| n * 10 + u16::from(c - b'0'));
        let a = lex::skip_lws(v, 3);
        if a == 3 {
            return Err(e);
        }
        let mut ae = a;
        while v.get(ae).is_some_and(|&c| lex::is_token(c) || matches!(c, b':' | b'[' | b']')) {
            ae += 1;
        }
        let t = lex::skip_lws(v, ae);
        if ae == a || t == ae || lex::scan_quoted(v, t) != Some(v.len()) {
            return Err(e);
        }
        Ok(Warning { code, agent: lex::ascii_str(&v[a..ae]).ok_or(e)?, text: &v[t + 1..v.len() - 1] })
    }
}

/// True for `"+" ftag-name` (RFC 6809 §9; RFC 3840 §9: `ALPHA *( ALPHA /
/// DIGIT / "!" / "'" / "." / "-" / "%" )`).
fn is_fcap_name(n: &[u8]) -> bool {
    match n {
        [b'+', first, rest @ ..] => {
            first.is_ascii_alphabetic()
                && rest
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'!' | b'\'' | b'.' | b'-' | b'%'))
        }
        _ => false,
    }
}

/// One Feature-Caps value (RFC 6809 §9): `"*" *( SEMI feature-cap )`, each
/// feature-cap `"+" fcap-name [ EQUAL LDQUOT ... RDQUOT ]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeatureCap<'a> {
    /// The feature-capability indicators, raw (names keep their `+`).
    pub params: lex::Params<'a>,
}

impl<'a> FeatureCap<'a> {
    /// Parses one Feature-Caps value.
    pub fn parse(v: &'a [u8]) -> Result<FeatureCap<'a>, ParseError> {
        Self::parse_header(v, HeaderName::FeatureCaps)
    }

    fn parse_header(v: &'a [u8], name: HeaderName) -> Result<FeatureCap<'a>, ParseError> {
        let v = lex::trim_lws(v);
        let rest = v.strip_prefix(b"*").ok_or(err(name))?;
        let params = params_of(rest, name)?;
        for p in params.map_while(Result::ok) {
            if !is_fcap_name(p.name) || p.value.is_some() && !p.is_quoted() {
                return Err(err(name));
            }
        }
        Ok(FeatureCap { params })
    }

    /// Looks up indicator `name`, given with or without its `+`
    /// (case-insensitive). `Some(None)` for an indicator without a value;
    /// values come without their DQUOTEs.
    pub fn param(&self, name: &str) -> Option<Option<&'a [u8]>> {
        let n = name.strip_prefix('+').unwrap_or(name).as_bytes();
        self.params
            .map_while(Result::ok)
            .find(|p| p.name.get(1..).is_some_and(|pn| lex::eq_ic(pn, n)))
            .map(|p| p.unquoted())
    }

    /// True if indicator `name` is present.
    pub fn has(&self, name: &str) -> bool {
        self.param(name).is_some()
    }

    /// `+sip.pns` (RFC 8599 §8.2): the push notification service.
    pub fn pns(&self) -> Option<&'a [u8]> {
        self.param("sip.pns").flatten()
    }

    /// `+sip.vapid` (RFC 8599 §8.3): the VAPID public key.
    pub fn vapid(&self) -> Option<&'a [u8]> {
        self.param("sip.vapid").flatten()
    }

    /// True if `+sip.pnsreg` (RFC 8599 §8.4) is present.
    pub fn pnsreg(&self) -> bool {
        self.has("sip.pnsreg")
    }

    /// The `+sip.pnsreg` value: seconds before expiry by which the UA must
    /// refresh the binding (RFC 8599 §8.4). `None` if absent or not a
    /// number.
    pub fn pnsreg_seconds(&self) -> Option<u32> {
        self.param("sip.pnsreg").flatten().and_then(lex::parse_u32)
    }

    /// `+sip.pnspurr` (RFC 8599 §8.6).
    pub fn pnspurr(&self) -> Option<&'a [u8]> {
        self.param("sip.pnspurr").flatten()
    }
}

/// Event (RFC 6665 §8.2.1, compact `o`): `event-type *( SEMI event-param )`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// The event type: `event-package *( "." event-template )`.
    pub event_type: &'a str,
    /// The parameters, raw.
    pub params: lex::Params<'a>,
}

impl<'a> Event<'a> {
    /// Parses an Event value.
    pub fn parse(v: &'a [u8]) -> Result<Event<'a>, ParseError> {
        const N: HeaderName = HeaderName::Event;
        let v = lex::trim_lws(v);
        let te = lex::scan_token(v, 0);
        if !is_event_type(&v[..te]) {
            return Err(err(N));
        }
        let params = params_of(&v[te..], N)?;
        match params.get("id") {
            Some(Some(id)) if lex::is_token_str(id) => {}
            Some(_) => return Err(err(N)),
            None => {}
        }
        Ok(Event { event_type: lex::ascii_str(&v[..te]).ok_or(err(N))?, params })
    }

    /// The event package (the type up to its first `.`).
    pub fn package(&self) -> &'a str {
        self.event_type.split('.').next().unwrap_or(self.event_type)
    }

    /// The template part after the package (`winfo` in `presence.winfo`).
    pub fn template(&self) -> Option<&'a str> {
        self.event_type.split_once('.').map(|(_, t)| t)
    }

    /// The `id` parameter (RFC 6665 §8.2.1), distinguishing subscriptions
    /// in one dialog.
    pub fn id(&self) -> Option<&'a str> {
        self.params.get("id").flatten().and_then(lex::ascii_str)
    }

    /// True if both name the same subscription: same event type (token
    /// compare, case-insensitive per RFC 3261 §7.3.1) and same `id`, both
    /// absent counting as equal (RFC 6665 §8.2.1).
    pub fn matches(&self, other: &Event<'_>) -> bool {
        lex::eq_ic(self.event_type.as_bytes(), other.event_type.as_bytes()) && self.id() == other.id()
    }
}

/// A subscription state (RFC 6665 §8.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubState<'a> {
    /// `active`.
    Active,
    /// `pending`.
    Pending,
    /// `terminated`.
    Terminated,
    /// An extension state, as written.
    Other(&'a str),
}

/// Subscription-State (RFC 6665 §8.2.3): `substate-value *( SEMI
/// subexp-params )`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubscriptionState<'a> {
    /// The state.
    pub state: SubState<'a>,
    /// `expires`, in seconds.
    pub expires: Option<u32>,
    /// `reason` (`deactivated`, `probation`, `rejected`, `timeout`,
    /// `giveup`, `noresource`, `invariant`, or an extension), as written.
    pub reason: Option<&'a str>,
    /// `retry-after`, in seconds.
    pub retry_after: Option<u32>,
    /// All parameters, raw.
    pub params: lex::Params<'a>,
}

impl<'a> SubscriptionState<'a> {
    /// Parses a Subscription-State value.
    pub fn parse(v: &'a [u8]) -> Result<SubscriptionState<'a>, ParseError> {
        const N: HeaderName = HeaderName::SubscriptionState;
        let v = lex::trim_lws(v);
        let te = lex::scan_token(v, 0);
        if te == 0 {
            return Err(err(N));
        }
        let s = lex::ascii_str(&v[..te]).ok_or(err(N))?;
        let state = match s {
            _ if s.eq_ignore_ascii_case("active") => SubState::Active,
            _ if s.eq_ignore_ascii_case("pending") => SubState::Pending,
            _ if s.eq_ignore_ascii_case("terminated") => SubState::Terminated,
            _ => SubState::Other(s),
        };
        let params = params_of(&v[te..], N)?;
        let num = |n: &str| match params.get(n) {
            None => Ok(None),
            Some(Some(d)) => parse_u32_field(d, N).map(Some),
            Some(None) => Err(err(N)),
        };
        let reason = match params.get("reason") {
            None => None,
            Some(Some(r)) if lex::is_token_str(r) => lex::ascii_str(r),
            Some(_) => return Err(err(N)),
        };
        Ok(SubscriptionState {
            state,
            expires: num("expires")?,
            reason,
            retry_after: num("retry-after")?,
            params,
        })
    }
}

/// One Reason value (RFC 3326 §2): `protocol *( SEMI reason-params )`, with
/// `cause` and `text`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reason<'a> {
    /// The protocol (`SIP`, `Q.850`, or another token), as written.
    pub protocol: &'a str,
    /// The `cause` parameter.
    pub cause: Option<u16>,
    /// The `text` parameter: the inside of the quoted string, quoted-pairs
    /// still escaped.
    pub text: Option<&'a [u8]>,
    /// All parameters, raw.
    pub params: lex::Params<'a>,
}

impl<'a> Reason<'a> {
    /// Parses one Reason value.
    pub fn parse(v: &'a [u8]) -> Result<Reason<'a>, ParseError> {
        Self::parse_header(v, HeaderName::Reason)
    }

    fn parse_header(v: &'a [u8], name: HeaderName) -> Result<Reason<'a>, ParseError> {
        let v = lex::trim_lws(v);
        let te = lex::scan_token(v, 0);
        if te == 0 {
            return Err(err(name));
        }
        let params = params_of(&v[te..], name)?;
        let cause = match params.get("cause") {
            None => None,
            Some(Some(c)) => {
                let n = parse_u32_field(c, name)?;
                Some(
                    u16::try_from(n)
                        .map_err(|_| ParseError::new(Element::Header(name), ErrorKind::OutOfRange))?,
                )
            }
            Some(None) => return Err(err(name)),
        };
        let text = match params.get("text") {
            None => None,
            Some(Some(t)) if t.first() == Some(&b'"') => Some(&t[1..t.len() - 1]),
            Some(_) => return Err(err(name)),
        };
        Ok(Reason { protocol: lex::ascii_str(&v[..te]).ok_or(err(name))?, cause, text, params })
    }

    /// True if the protocol is `SIP` (a SIP status code in `cause`).
    pub fn is_sip(&self) -> bool {
        lex::eq_ic(self.protocol.as_bytes(), b"SIP")
    }

    /// True if the protocol is `Q.850` (an ISUP cause value in `cause`).
    pub fn is_q850(&self) -> bool {
        lex::eq_ic(self.protocol.as_bytes(), b"Q.850")
    }
}

/// Privacy (RFC 3323 §4.2): `priv-value *( ";" priv-value )`, each a token
/// (`header`, `session`, `user`, `none`, `critical`, `id` (RFC 3325), or an
/// extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Privacy<'a> {
    raw: &'a [u8],
}

impl<'a> Privacy<'a> {
    /// Parses a Privacy value.
    pub fn parse(v: &'a [u8]) -> Result<Privacy<'a>, ParseError> {
        let raw = lex::trim_lws(v);
        let p = Privacy { raw };
        if raw.split(|&c| c == b';').any(|t| !lex::is_token_str(lex::trim_lws(t))) {
            return Err(err(HeaderName::Privacy));
        }
        Ok(p)
    }

    /// The privacy values in order.
    pub fn values(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.raw.split(|&c| c == b';').filter_map(|t| lex::ascii_str(lex::trim_lws(t)))
    }

    /// True if `value` is listed (case-insensitive).
    pub fn contains(&self, value: &str) -> bool {
        self.values().any(|v| v.eq_ignore_ascii_case(value))
    }
}

/// Who refreshes a session timer (RFC 4028 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refresher {
    /// `uac`.
    Uac,
    /// `uas`.
    Uas,
}

/// Session-Expires (RFC 4028 §4, compact `x`): `delta-seconds *( SEMI
/// se-params )`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionExpires<'a> {
    /// The session interval, in seconds.
    pub delta: u32,
    /// The `refresher` parameter.
    pub refresher: Option<Refresher>,
    /// All parameters, raw.
    pub params: lex::Params<'a>,
}

impl<'a> SessionExpires<'a> {
    /// Parses a Session-Expires value.
    pub fn parse(v: &'a [u8]) -> Result<SessionExpires<'a>, ParseError> {
        const N: HeaderName = HeaderName::SessionExpires;
        let v = lex::trim_lws(v);
        let (delta, end) = leading_u32(v, N)?;
        let params = params_of(&v[end..], N)?;
        let refresher = match params.get("refresher") {
            None => None,
            Some(Some(r)) if lex::eq_ic(r, b"uac") => Some(Refresher::Uac),
            Some(Some(r)) if lex::eq_ic(r, b"uas") => Some(Refresher::Uas),
            Some(_) => return Err(err(N)),
        };
        Ok(SessionExpires { delta, refresher, params })
    }
}

/// Parses Min-SE (RFC 4028 §5): `delta-seconds *( SEMI generic-param )`.
pub fn parse_min_se(v: &[u8]) -> Result<u32, ParseError> {
    const N: HeaderName = HeaderName::MinSe;
    let v = lex::trim_lws(v);
    let (n, end) = leading_u32(v, N)?;
    params_of(&v[end..], N)?;
    Ok(n)
}

impl<'a> Message<'a> {
    /// Warning (RFC 3261 §20.43): every warning value of every field.
    pub fn warnings(&self) -> TypedValues<'_, 'a, Warning<'a>> {
        TypedValues::list(self, HeaderName::Warning, |v, n| Warning::parse_header(v.as_bytes(), n))
    }

    /// Feature-Caps (RFC 6809 §9): every fc-value of every field.
    pub fn feature_caps(&self) -> TypedValues<'_, 'a, FeatureCap<'a>> {
        TypedValues::list(self, HeaderName::FeatureCaps, |v, n| FeatureCap::parse_header(v.as_bytes(), n))
    }

    /// Event (RFC 6665 §8.2.1), if present.
    pub fn event(&self) -> Result<Option<Event<'a>>, ParseError> {
        self.header(HeaderName::Event).map(Event::parse).transpose()
    }

    /// Subscription-State (RFC 6665 §8.2.3), if present.
    pub fn subscription_state(&self) -> Result<Option<SubscriptionState<'a>>, ParseError> {
        self.header(HeaderName::SubscriptionState).map(SubscriptionState::parse).transpose()
    }

    /// Reason (RFC 3326): every reason value of every field.
    pub fn reasons(&self) -> TypedValues<'_, 'a, Reason<'a>> {
        TypedValues::list(self, HeaderName::Reason, |v, n| Reason::parse_header(v.as_bytes(), n))
    }

    /// Privacy (RFC 3323 §4.2), first field, if present.
    pub fn privacy(&self) -> Result<Option<Privacy<'a>>, ParseError> {
        self.header(HeaderName::Privacy).map(Privacy::parse).transpose()
    }

    /// Session-Expires (RFC 4028 §4), if present.
    pub fn session_expires(&self) -> Result<Option<SessionExpires<'a>>, ParseError> {
        self.header(HeaderName::SessionExpires).map(SessionExpires::parse).transpose()
    }

    /// Min-SE (RFC 4028 §5), if present.
    pub fn min_se(&self) -> Result<Option<u32>, ParseError> {
        self.header(HeaderName::MinSe).map(parse_min_se).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(name: HeaderName) -> ParseError {
        ParseError::new(Element::Header(name), ErrorKind::Syntax)
    }

    fn response(extra: &str) -> heapless::Vec<u8, 2048> {
        let mut v = heapless::Vec::new();
        v.extend_from_slice(
            b"SIP/2.0 200 OK\r\n\
            Via: SIP/2.0/UDP h.example.com;branch=z9hG4bKkdjuw\r\n\
            To: <sip:bob@example.com>;tag=a\r\n\
            From: <sip:alice@example.com>;tag=b\r\n\
            Call-ID: misc01\r\n\
            CSeq: 1 NOTIFY\r\n",
        )
        .unwrap();
        v.extend_from_slice(extra.as_bytes()).unwrap();
        v.extend_from_slice(b"Content-Length: 0\r\n\r\n").unwrap();
        v
    }

    #[test]
    fn rfc3261_20_43_warning() {
        let w = Warning::parse(br#"307 isi.edu "Session parameter 'foo' not understood""#).unwrap();
        assert_eq!((w.code, w.agent), (307, "isi.edu"));
        assert_eq!(w.text, b"Session parameter 'foo' not understood");
        let w = Warning::parse(br#"301 [2001:db8::1]:5060 "a, \"b\"""#).unwrap();
        assert_eq!(w.agent, "[2001:db8::1]:5060");
        assert_eq!(w.text, br#"a, \"b\""#);
        for bad in [
            &b""[..],
            b"307",
            b"30 isi.edu \"x\"",
            b"3071 isi.edu \"x\"",
            b"307isi.edu \"x\"",
            b"307 isi.edu",
            b"307 isi.edu x",
            b"307 isi.edu\"x\"",
            b"307 \"x\"",
            b"307 isi.edu \"x\" y",
        ] {
            assert_eq!(Warning::parse(bad), Err(syntax(HeaderName::Warning)), "{bad:?}");
        }
        let b = response(
            "Warning: 370 devnull \"Choose a bigger pipe\", 307 isi.edu \"Session parameter 'foo' not understood\"\r\n",
        );
        let m = Message::parse(&b).unwrap();
        let ws: heapless::Vec<Warning, 4> = m.warnings().map(Result::unwrap).collect();
        assert_eq!(ws.len(), 2);
        assert_eq!((ws[0].code, ws[0].agent), (370, "devnull"));
    }

    #[test]
    fn rfc6809_9_feature_caps() {
        let f = FeatureCap::parse(br#"*;+sip.pns="apns";+sip.vapid="BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcx";+sip.pnsreg="121";+sip.pnspurr="purr1""#).unwrap();
        assert_eq!(f.pns(), Some(&b"apns"[..]));
        assert_eq!(f.vapid(), Some(&b"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcx"[..]));
        assert!(f.pnsreg());
        assert_eq!(f.pnsreg_seconds(), Some(121));
        assert_eq!(f.pnspurr(), Some(&b"purr1"[..]));
        assert_eq!(f.param("+SIP.PNS"), Some(Some(&b"apns"[..])));
        let f = FeatureCap::parse(b"* ; +sip.pnsreg ; +g.3gpp.icsi").unwrap();
        assert!(f.pnsreg());
        assert_eq!(f.pnsreg_seconds(), None);
        assert!(f.has("g.3gpp.icsi"));
        assert_eq!(f.pns(), None);
        assert!(FeatureCap::parse(b"*").unwrap().params.next().is_none());
        for bad in [&b""[..], b"sip.pns", b"*;sip.pns=\"apns\"", b"*;+sip.pns=apns", b"*;+1x", b"*;+", b"*x"]
        {
            assert_eq!(FeatureCap::parse(bad), Err(syntax(HeaderName::FeatureCaps)), "{bad:?}");
        }
    }

    #[test]
    fn rfc8599_6_4_feature_caps_in_register_response() {
        let b = response("Feature-Caps: *;+sip.pns=\"acme\";+sip.pnsreg=\"121\"\r\n");
        let m = Message::parse(&b).unwrap();
        let f = m.feature_caps().next().unwrap().unwrap();
        assert_eq!(f.pns(), Some(&b"acme"[..]));
        assert_eq!(f.pnsreg_seconds(), Some(121));
    }

    #[test]
    fn rfc6665_8_2_1_event() {
        let e = Event::parse(b"presence").unwrap();
        assert_eq!((e.package(), e.template(), e.id()), ("presence", None, None));
        let e = Event::parse(b"presence.winfo ; id=1234").unwrap();
        assert_eq!((e.package(), e.template(), e.id()), ("presence", Some("winfo"), Some("1234")));
        assert!(e.matches(&Event::parse(b"Presence.winfo;id=1234;x=y").unwrap()));
        assert!(!e.matches(&Event::parse(b"presence.winfo").unwrap()));
        for bad in
            [&b""[..], b"presence.", b".x", b"pres ence", b"presence;id", b"presence;id=\"q\"", b"presence;"]
        {
            assert_eq!(Event::parse(bad), Err(syntax(HeaderName::Event)), "{bad:?}");
        }
        let b = response("o: refer;id=93809824\r\n");
        let m = Message::parse(&b).unwrap();
        assert_eq!(m.event().unwrap().unwrap().id(), Some("93809824"));
    }

    #[test]
    fn rfc6665_8_2_3_subscription_state() {
        let s = SubscriptionState::parse(b"active;expires=3599").unwrap();
        assert_eq!((s.state, s.expires, s.reason, s.retry_after), (SubState::Active, Some(3599), None, None));
        let s = SubscriptionState::parse(b"terminated;reason=probation;retry-after=30").unwrap();
        assert_eq!(s.state, SubState::Terminated);
        assert_eq!((s.reason, s.retry_after), (Some("probation"), Some(30)));
        assert_eq!(SubscriptionState::parse(b"Pending").unwrap().state, SubState::Pending);
        assert_eq!(SubscriptionState::parse(b"waiting").unwrap().state, SubState::Other("waiting"));
        assert_eq!(
            SubscriptionState::parse(b"active;expires=4294967296").unwrap_err(),
            ParseError::new(Element::Header(HeaderName::SubscriptionState), ErrorKind::OutOfRange)
        );
        for bad in [&b""[..], b";expires=1", b"active;expires", b"active;expires=x", b"active;reason=\"x\""] {
            assert_eq!(SubscriptionState::parse(bad), Err(syntax(HeaderName::SubscriptionState)), "{bad:?}");
        }
        let b = response("Subscription-State: active;expires=3599\r\n");
        let m = Message::parse(&b).unwrap();
        assert_eq!(m.subscription_state().unwrap().unwrap().expires, Some(3599));
    }

    #[test]
    fn rfc3326_2_reason() {
        let r = Reason::parse(br#"SIP ;cause=200 ;text="Call completed elsewhere""#).unwrap();
        assert!(r.is_sip());
        assert_eq!((r.cause, r.text), (Some(200), Some(&b"Call completed elsewhere"[..])));
        let r = Reason::parse(br#"Q.850;cause=16;text="Terminated""#).unwrap();
        assert!(r.is_q850());
        assert_eq!(r.cause, Some(16));
        assert_eq!(Reason::parse(b"preemption").unwrap().cause, None);
        assert_eq!(
            Reason::parse(b"SIP;cause=65536").unwrap_err(),
            ParseError::new(Element::Header(HeaderName::Reason), ErrorKind::OutOfRange)
        );
        for bad in [&b""[..], b"SIP;cause", b"SIP;cause=x", b"SIP;text=bare", b"SIP cause=1", b";cause=1"] {
            assert_eq!(Reason::parse(bad), Err(syntax(HeaderName::Reason)), "{bad:?}");
        }
        let b = response("Reason: SIP;cause=600;text=\"Busy, Everywhere\", Q.850;cause=17\r\n");
        let m = Message::parse(&b).unwrap();
        let rs: heapless::Vec<Reason, 4> = m.reasons().map(Result::unwrap).collect();
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[0].text, Some(&b"Busy, Everywhere"[..]));
        assert_eq!(rs[1].cause, Some(17));
    }

    #[test]
    fn rfc3323_4_2_privacy() {
        let p = Privacy::parse(b"id; header ;user").unwrap();
        let v: heapless::Vec<&str, 4> = p.values().collect();
        assert_eq!(&v[..], &["id", "header", "user"]);
        assert!(p.contains("HEADER"));
        assert!(!p.contains("none"));
        for bad in [&b""[..], b"id;", b"id,user", b"a b"] {
            assert_eq!(Privacy::parse(bad), Err(syntax(HeaderName::Privacy)), "{bad:?}");
        }
    }

    #[test]
    fn rfc4028_4_session_expires_and_min_se() {
        let s = SessionExpires::parse(b"1800;refresher=uac").unwrap();
        assert_eq!((s.delta, s.refresher), (1800, Some(Refresher::Uac)));
        assert_eq!(SessionExpires::parse(b"4000 ; refresher=UAS").unwrap().refresher, Some(Refresher::Uas));
        assert_eq!(SessionExpires::parse(b"90").unwrap().refresher, None);
        for bad in [&b""[..], b"x", b"1800;refresher=both", b"1800;refresher", b"1800 refresher=uac"] {
            assert_eq!(SessionExpires::parse(bad), Err(syntax(HeaderName::SessionExpires)), "{bad:?}");
        }
        assert_eq!(parse_min_se(b"90"), Ok(90));
        assert_eq!(parse_min_se(b"90;x=y"), Ok(90));
        assert_eq!(parse_min_se(b"ninety"), Err(syntax(HeaderName::MinSe)));
        assert_eq!(parse_min_se(b"99999999999").unwrap_err().kind, ErrorKind::OutOfRange);
        let b = response("Session-Expires: 1800;refresher=uac\r\nMin-SE: 90\r\nPrivacy: none\r\n");
        let m = Message::parse(&b).unwrap();
        assert_eq!(m.session_expires().unwrap().unwrap().delta, 1800);
        assert_eq!(m.min_se(), Ok(Some(90)));
        assert!(m.privacy().unwrap().unwrap().contains("none"));
    }

    #[test]
    fn rfc3261_25_1_misc_prefix_truncation_never_panics() {
        let vals: [&[u8]; 6] = [
            br#"307 [2001:db8::1]:5060 "Session \"parameter\" 'foo' not understood""#,
            br#"*;+sip.pns="apns";+sip.vapid="BCVxsr7N_eNgVRqvHtD0zTZsEc6";+sip.pnsreg="121""#,
            b"presence.winfo;id=1234;x=\"y\"",
            b"terminated;reason=probation;retry-after=30;expires=4294967295",
            br#"Q.850;cause=16;text="Terminated \"normally\"""#,
            b"1800;refresher=uac;x=y",
        ];
        for v in vals {
            for end in 0..=v.len() {
                let p = &v[..end];
                let _ = Warning::parse(p);
                let _ = FeatureCap::parse(p).map(|f| (f.pns(), f.pnsreg_seconds()));
                let _ = Event::parse(p).map(|e| (e.package(), e.template(), e.id()));
                let _ = SubscriptionState::parse(p);
                let _ = Reason::parse(p);
                let _ = Privacy::parse(p).map(|p| p.values().count());
                let _ = SessionExpires::parse(p);
                let _ = parse_min_se(p);
            }
        }
    }

    #[test]
    fn rfc3261_25_1_arbitrary_values_never_panic() {
        fn all(v: std::vec::Vec<u8>) -> bool {
            use crate::message::headers::*;
            let _ =
                Challenge::parse(&v).map(|c| (c.realm(), c.algorithm(), c.qop_options().count(), c.stale()));
            let _ = Credentials::parse(&v).map(|c| (c.nc(), c.userhash()));
            let _ = AuthenticationInfo::parse(&v).map(|i| i.nc());
            let _ = MediaType::parse(&v).map(|m| m.boundary());
            let _ = AcceptRange::parse(&v).map(|a| a.quality());
            let _ = ContentDisposition::parse(&v).map(|d| d.handling());
            let _ = parse_content_id(&v);
            let _ = parse_language_tag(&v, HeaderName::ContentLanguage);
            let _ = Warning::parse(&v);
            let _ = FeatureCap::parse(&v).map(|f| (f.pns(), f.pnsreg_seconds()));
            let _ = Event::parse(&v).map(|e| (e.package(), e.template(), e.id()));
            let _ = SubscriptionState::parse(&v);
            let _ = Reason::parse(&v);
            let _ = Privacy::parse(&v).map(|p| p.values().count());
            let _ = SessionExpires::parse(&v);
            let _ = parse_min_se(&v);
            true
        }
        quickcheck::QuickCheck::new().tests(2000).quickcheck(all as fn(std::vec::Vec<u8>) -> bool);
        // Byte soup drawn from the grammar's own delimiters finds more paths.
        let alphabet = b"Digest realm=\"\\,;*+/<>@:[] \t\r\n0123456789abcdef.-=";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut v = std::vec::Vec::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut r = seed;
            for _ in 0..(seed % 40) {
                r ^= r << 13;
                r ^= r >> 7;
                r ^= r << 17;
                v.push(alphabet[(r % alphabet.len() as u64) as usize]);
            }
            all(v);
        }
    }
}

//! The only module that touches cryptographic primitives (the "hazmat" layer).
//!
//! Everything else asks for a [`Secret32`], a wrapped blob or a signature and never sees
//! a nonce, a KDF parameter block or a ring type. Naming: `make_` produces something
//! random, `derive_` something deterministic.

use std::fmt;
use std::time::{Duration, Instant};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, Ed25519KeyPair, KeyPair};
use ring::{digest, hkdf};
use zeroize::{Zeroize, Zeroizing};

use crate::support::error::{Error, Result};

/// 256 bits of key material. No `Clone`, no `Serialize`, a `Debug` that prints nothing,
/// wiped when dropped, and read only through [`Secret32::expose`].
pub struct Secret32(Box<[u8; 32]>);

impl Secret32 {
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    fn from_slice(bytes: &[u8]) -> Result<Self> {
        let mut out = Box::new([0u8; 32]);
        if bytes.len() != 32 {
            return Err(Error::Crypto("key material has the wrong length"));
        }
        out.copy_from_slice(bytes);
        Ok(Secret32(out))
    }

    /// A copy for the rare place that must hold the same key twice (a new slot).
    pub fn duplicate(&self) -> Self {
        Secret32(Box::new(*self.0))
    }
}

impl Drop for Secret32 {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret32(..)")
    }
}

fn rng() -> SystemRandom {
    SystemRandom::new()
}

pub fn make_random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    rng().fill(&mut out).map_err(|_| Error::Crypto("the system random generator failed"))?;
    Ok(out)
}

pub fn make_secret() -> Result<Secret32> {
    let mut bytes = Zeroizing::new(make_random_bytes::<32>()?);
    let s = Secret32::from_slice(bytes.as_ref());
    bytes.zeroize();
    s
}

pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256Stream::new();
    for p in parts {
        h.update(p);
    }
    h.finish()
}

/// SHA-256 over data read in pieces (a backup part streamed from disk).
pub struct Sha256Stream(digest::Context);

impl Sha256Stream {
    pub fn new() -> Self {
        Sha256Stream(digest::Context::new(&digest::SHA256))
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn finish(self) -> [u8; 32] {
        let d = self.0.finish();
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        out
    }
}

impl std::fmt::Debug for Sha256Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sha256Stream")
    }
}

impl Default for Sha256Stream {
    fn default() -> Self {
        Self::new()
    }
}

/// HMAC-SHA-256, used to turn typed user names into tags that do not reveal them.
pub fn derive_tag(key: &[u8], message: &[u8]) -> [u8; 32] {
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let tag = ring::hmac::sign(&k, message);
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// Checks an HMAC-SHA-256 tag in constant time.
pub fn verify_tag(key: &[u8], message: &[u8], tag: &[u8]) -> bool {
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    ring::hmac::verify(&k, message, tag).is_ok()
}

// ---------------------------------------------------------------------------------------
// Passphrase KDF (Argon2id)

/// Argon2id parameters as stored in a key slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// The floor below which no slot is written or accepted: 64 MiB, one pass.
    pub const MIN_M_KIB: u32 = 64 * 1024;
    /// The ceilings are what [`KdfParams::calibrate`] can choose, on the slowest laptop as on
    /// the fastest: 64 MiB, at most 32 passes, one lane. A slot asking for more was not made
    /// by Casekeep and is refused before any work is done, so an edited slot cannot make an
    /// unlock allocate gigabytes or run for minutes (32 passes of 64 MiB take ≈ 3–6 s on a
    /// slow office laptop).
    pub const MAX_M_KIB: u32 = Self::MIN_M_KIB;
    pub const MAX_T: u32 = 32;
    pub const MAX_P: u32 = 1;

    fn floor_m_kib() -> u32 {
        #[cfg(feature = "test-hooks")]
        {
            let m = test_hooks::SMALL_M_KIB.load(std::sync::atomic::Ordering::Relaxed);
            if m != 0 {
                return m;
            }
        }
        Self::MIN_M_KIB
    }

    /// Refuses parameters that are too weak to trust or too large to run (a tampered
    /// slot must not be able to make us allocate gigabytes or spin for minutes).
    pub fn check(&self) -> Result<()> {
        if self.m_kib < Self::floor_m_kib()
            || self.m_kib > Self::MAX_M_KIB
            || self.t == 0
            || self.t > Self::MAX_T
            || self.p == 0
            || self.p > Self::MAX_P
        {
            return Err(Error::Integrity(
                "a key slot carries key-derivation parameters outside the accepted range".into(),
            ));
        }
        Ok(())
    }

    /// Chooses parameters that take about `target` on this machine: 64 MiB and as many
    /// passes as fit (at least one).
    pub fn calibrate(target: Duration) -> Result<Self> {
        #[cfg(feature = "test-hooks")]
        {
            let t = test_hooks::FIXED_PASSES.load(std::sync::atomic::Ordering::Relaxed);
            if t != 0 {
                return Ok(KdfParams { m_kib: Self::floor_m_kib(), t, p: 1 });
            }
        }
        let probe = KdfParams { m_kib: Self::MIN_M_KIB, t: 1, p: 1 };
        let salt = make_random_bytes::<16>()?;
        // The first run pays for faulting in 64 MiB; time the second.
        let _ = derive_from_passphrase(b"calibration", &salt, &probe)?;
        let start = Instant::now();
        let _ = derive_from_passphrase(b"calibration", &salt, &probe)?;
        let one_pass = start.elapsed().max(Duration::from_millis(1));
        let guess = KdfParams {
            t: ((target.as_secs_f64() / one_pass.as_secs_f64()).round() as u32).clamp(1, 32),
            ..probe
        };
        // Passes after the first cost less than the first; measure the guess and correct it once.
        let start = Instant::now();
        let _ = derive_from_passphrase(b"calibration", &salt, &guess)?;
        let took = start.elapsed().max(Duration::from_millis(1));
        let t = (f64::from(guess.t) * target.as_secs_f64() / took.as_secs_f64()).round() as u32;
        Ok(KdfParams { t: t.clamp(1, 32), ..probe })
    }
}

#[cfg(feature = "test-hooks")]
/// Test hooks (compiled only with the `test-hooks` feature, never in a shipped build), so
/// that tests can unlock hundreds of times through the real code path:
/// - [`use_fixed_kdf_passes`](test_hooks::use_fixed_kdf_passes): slots made by this process
///   use the floor every build accepts anyway — 64 MiB, `t` passes — instead of
///   calibrating to ≈0.75 s. Such slots open in any process, including the real binary.
/// - [`accept_small_kdf_memory`](test_hooks::accept_small_kdf_memory): additionally lowers
///   the memory floor, *for this process only*: slots made this way are refused by every
///   other process, including a test build of the CLI that did not ask for it.
/// - [`memoize_kdf`](test_hooks::memoize_kdf): this process computes each derivation once.
pub mod test_hooks {
    use std::sync::atomic::{AtomicU32, Ordering};

    use std::sync::atomic::AtomicBool;
    use std::sync::Mutex;

    use zeroize::Zeroizing;

    pub(super) static FIXED_PASSES: AtomicU32 = AtomicU32::new(0);
    pub(super) static SMALL_M_KIB: AtomicU32 = AtomicU32::new(0);
    static MEMO_ON: AtomicBool = AtomicBool::new(false);
    type Memo = Vec<([u8; 32], Zeroizing<[u8; 32]>)>;
    static MEMO: Mutex<Memo> = Mutex::new(Vec::new());

    /// This process remembers each Argon2 result it computes, so repeating a derivation with
    /// the same passphrase, salt and parameters (a test that unlocks the same slot after
    /// every step) costs nothing the second time. Off unless a test turns it on.
    pub fn memoize_kdf(on: bool) {
        MEMO_ON.store(on, Ordering::Relaxed);
        if !on {
            MEMO.lock().map(|mut m| m.clear()).unwrap_or(());
        }
    }

    pub(super) fn memo_key(passphrase: &[u8], salt: &[u8], p: &super::KdfParams) -> [u8; 32] {
        let params = [p.m_kib.to_be_bytes(), p.t.to_be_bytes(), p.p.to_be_bytes()].concat();
        let plen = (passphrase.len() as u64).to_be_bytes();
        super::sha256(&[b"casekeep-test-kdf-memo", &plen, passphrase, salt, &params])
    }

    pub(super) fn recall(key: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
        if !MEMO_ON.load(Ordering::Relaxed) {
            return None;
        }
        let memo = MEMO.lock().ok()?;
        memo.iter().find(|(k, _)| k == key).map(|(_, v)| Zeroizing::new(**v))
    }

    pub(super) fn remember(key: [u8; 32], out: &[u8; 32]) {
        if MEMO_ON.load(Ordering::Relaxed) {
            if let Ok(mut memo) = MEMO.lock() {
                memo.push((key, Zeroizing::new(*out)));
            }
        }
    }

    /// `t` is clamped to the accepted 1–32 passes; `0` restores calibration.
    pub fn use_fixed_kdf_passes(t: u32) {
        let t = if t == 0 { 0 } else { t.clamp(1, super::KdfParams::MAX_T) };
        FIXED_PASSES.store(t, Ordering::Relaxed);
    }

    /// Slots made (and accepted) by this process use `m_kib` KiB (at least 8, at most the
    /// real floor); `0` restores the real floor.
    pub fn accept_small_kdf_memory(m_kib: u32) {
        let m = if m_kib == 0 { 0 } else { m_kib.clamp(8, super::KdfParams::MIN_M_KIB) };
        SMALL_M_KIB.store(m, Ordering::Relaxed);
    }
}

/// Argon2id over the passphrase; the output is never used directly but split with HKDF.
pub fn derive_from_passphrase(passphrase: &[u8], salt: &[u8], params: &KdfParams) -> Result<Secret32> {
    params.check()?;
    let p = argon2::Params::new(params.m_kib, params.t, params.p, Some(32))
        .map_err(|_| Error::Crypto("invalid key-derivation parameters"))?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p);
    #[cfg(feature = "test-hooks")]
    let memo_key = test_hooks::memo_key(passphrase, salt, params);
    #[cfg(feature = "test-hooks")]
    if let Some(hit) = test_hooks::recall(&memo_key) {
        return Secret32::from_slice(hit.as_ref());
    }
    let mut out = Zeroizing::new([0u8; 32]);
    a.hash_password_into(passphrase, salt, out.as_mut())
        .map_err(|_| Error::Crypto("key derivation failed"))?;
    #[cfg(feature = "test-hooks")]
    test_hooks::remember(memo_key, &out);
    Secret32::from_slice(out.as_ref())
}

struct HkdfLen;
impl hkdf::KeyType for HkdfLen {
    fn len(&self) -> usize {
        32
    }
}

/// HKDF-SHA-256 expansion of a secret for one named purpose.
pub fn derive_subkey(secret: &Secret32, purpose: &[u8]) -> Result<Secret32> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"casekeep").extract(secret.expose());
    let info = [purpose];
    let okm = prk.expand(&info, HkdfLen).map_err(|_| Error::Crypto("key expansion failed"))?;
    let mut out = Zeroizing::new([0u8; 32]);
    okm.fill(out.as_mut()).map_err(|_| Error::Crypto("key expansion failed"))?;
    Secret32::from_slice(out.as_ref())
}

// ---------------------------------------------------------------------------------------
// AEAD (ChaCha20-Poly1305)

pub const NONCE_BYTES: usize = NONCE_LEN;

fn aead_key(key: &Secret32) -> Result<LessSafeKey> {
    let unbound =
        UnboundKey::new(&CHACHA20_POLY1305, key.expose()).map_err(|_| Error::Crypto("invalid AEAD key"))?;
    Ok(LessSafeKey::new(unbound))
}

/// Encrypts `plaintext` under `key`, binding `aad`. Returns (nonce, ciphertext‖tag).
pub fn seal(key: &Secret32, aad: &[u8], plaintext: &[u8]) -> Result<([u8; NONCE_BYTES], Vec<u8>)> {
    let nonce = make_random_bytes::<NONCE_BYTES>()?;
    let mut buf = plaintext.to_vec();
    aead_key(key)?
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), &mut buf)
        .map_err(|_| Error::Crypto("encryption failed"))?;
    Ok((nonce, buf))
}

/// Decrypts and authenticates; `None` when the key is wrong or anything was altered.
pub fn open(
    key: &Secret32,
    aad: &[u8],
    nonce: &[u8; NONCE_BYTES],
    sealed: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let k = aead_key(key).ok()?;
    let mut buf = Zeroizing::new(sealed.to_vec());
    let plain_len =
        k.open_in_place(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), buf.as_mut_slice()).ok()?.len();
    let mut out = Zeroizing::new(Vec::with_capacity(plain_len));
    out.extend_from_slice(buf.get(..plain_len)?);
    Some(out)
}

/// Splits an opened payload into 32-byte secrets.
pub fn secrets_from_payload(payload: &[u8]) -> Result<Vec<Secret32>> {
    if payload.is_empty() || !payload.len().is_multiple_of(32) {
        return Err(Error::Integrity("a key slot's payload has the wrong length".into()));
    }
    payload.chunks(32).map(Secret32::from_slice).collect()
}

// ---------------------------------------------------------------------------------------
// Signatures (Ed25519)

/// Public half of a signing key, as stored in the vault.
pub fn derive_public_key(seed: &Secret32) -> Result<Vec<u8>> {
    let kp = Ed25519KeyPair::from_seed_unchecked(seed.expose())
        .map_err(|_| Error::Crypto("invalid signing key"))?;
    Ok(kp.public_key().as_ref().to_vec())
}

pub fn sign(seed: &Secret32, message: &[u8]) -> Result<Vec<u8>> {
    let kp = Ed25519KeyPair::from_seed_unchecked(seed.expose())
        .map_err(|_| Error::Crypto("invalid signing key"))?;
    Ok(kp.sign(message).as_ref().to_vec())
}

pub fn verify(public_key: &[u8], message: &[u8], sig: &[u8]) -> bool {
    signature::UnparsedPublicKey::new(&signature::ED25519, public_key).verify(message, sig).is_ok()
}

// ---------------------------------------------------------------------------------------
// Public-key envelopes (HPKE, RFC 9180, base mode: DHKEM(X25519, HKDF-SHA-256),
// HKDF-SHA-256, ChaCha20-Poly1305), from the `hpke` crate. A key-agreement key pair is
// derived from a 32-byte seed (RFC 9180's DeriveKeyPair), so slots store seeds only.

type HpkeKem = hpke::kem::X25519HkdfSha256;
type HpkeKdf = hpke::kdf::HkdfSha256;
type HpkeAead = hpke::aead::ChaCha20Poly1305;

fn kem_pair(seed: &Secret32) -> (<HpkeKem as hpke::Kem>::PrivateKey, <HpkeKem as hpke::Kem>::PublicKey) {
    <HpkeKem as hpke::Kem>::derive_keypair(seed.expose())
}

/// The public half of the key-agreement key derived from `seed` (32 bytes).
pub fn derive_kem_public(seed: &Secret32) -> [u8; 32] {
    use hpke::Serializable;
    let (_, public) = kem_pair(seed);
    let mut out = [0u8; 32];
    out.copy_from_slice(&public.to_bytes());
    out
}

/// Seals `plaintext` to a recipient's public key; returns (encapsulated key, ciphertext).
pub fn envelope_seal(
    recipient: &[u8],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>)> {
    use hpke::{Deserializable, Serializable};
    let public = <<HpkeKem as hpke::Kem>::PublicKey as Deserializable>::from_bytes(recipient)
        .map_err(|_| Error::Crypto("a recipient's public key is malformed"))?;
    let mut rng = rand_core::UnwrapErr(rand_core::OsRng);
    let (enc, sealed) = hpke::single_shot_seal::<HpkeAead, HpkeKdf, HpkeKem, _>(
        &hpke::OpModeS::Base,
        &public,
        info,
        plaintext,
        aad,
        &mut rng,
    )
    .map_err(|_| Error::Crypto("sealing an envelope failed"))?;
    Ok((enc.to_bytes().to_vec(), sealed))
}

/// Opens an envelope with the recipient's seed; `None` when it is not theirs or was altered.
pub fn envelope_open(
    seed: &Secret32,
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    sealed: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    use hpke::Deserializable;
    let (private, _) = kem_pair(seed);
    let enc = <<HpkeKem as hpke::Kem>::EncappedKey as Deserializable>::from_bytes(enc).ok()?;
    hpke::single_shot_open::<HpkeAead, HpkeKdf, HpkeKem>(
        &hpke::OpModeR::Base,
        &private,
        &enc,
        info,
        sealed,
        aad,
    )
    .ok()
    .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_then_open_round_trips_and_rejects_any_change() -> Result<()> {
        let key = make_secret()?;
        let (nonce, sealed) = seal(&key, b"aad", b"hello vault")?;
        let opened = open(&key, b"aad", &nonce, &sealed).ok_or(Error::Crypto("open"))?;
        assert_eq!(opened.as_slice(), b"hello vault");
        assert!(open(&key, b"other aad", &nonce, &sealed).is_none());
        let mut flipped = sealed.clone();
        flipped[0] ^= 1;
        assert!(open(&key, b"aad", &nonce, &flipped).is_none());
        let other = make_secret()?;
        assert!(open(&other, b"aad", &nonce, &sealed).is_none());
        Ok(())
    }

    #[test]
    fn signatures_verify_only_for_their_message_and_key() -> Result<()> {
        let seed = make_secret()?;
        let public = derive_public_key(&seed)?;
        let sig = sign(&seed, b"entry")?;
        assert!(verify(&public, b"entry", &sig));
        assert!(!verify(&public, b"entrY", &sig));
        let other = derive_public_key(&make_secret()?)?;
        assert!(!verify(&other, b"entry", &sig));
        Ok(())
    }

    #[test]
    fn envelopes_open_only_for_their_recipient_info_and_aad() -> Result<()> {
        let seed = make_secret()?;
        let public = derive_kem_public(&seed);
        let (enc, sealed) = envelope_seal(&public, b"info", b"aad", b"vault key")?;
        let opened = envelope_open(&seed, &enc, b"info", b"aad", &sealed).ok_or(Error::Crypto("open"))?;
        assert_eq!(opened.as_slice(), b"vault key");
        assert!(envelope_open(&make_secret()?, &enc, b"info", b"aad", &sealed).is_none());
        assert!(envelope_open(&seed, &enc, b"other", b"aad", &sealed).is_none());
        assert!(envelope_open(&seed, &enc, b"info", b"other", &sealed).is_none());
        assert!(envelope_seal(&[1, 2, 3], b"info", b"aad", b"x").is_err());
        Ok(())
    }

    #[test]
    fn weak_or_huge_kdf_parameters_are_refused() {
        for (m, t, p) in [
            (1024, 3, 1),
            (65536, 0, 1),
            (65536, 1, 0),
            (u32::MAX, 1, 1),
            (65536, 1000, 1),
            // Beyond what a calibration can choose: 4 GiB × 64 passes, 128 MiB, 33 passes, 2 lanes.
            (4 * 1024 * 1024, 64, 1),
            (131072, 1, 1),
            (65536, 33, 1),
            (65536, 1, 2),
        ] {
            let params = KdfParams { m_kib: m, t, p };
            assert!(params.check().is_err(), "{m} {t} {p} accepted");
        }
        assert!(KdfParams { m_kib: 65536, t: 3, p: 1 }.check().is_ok());
        assert!(KdfParams { m_kib: 65536, t: 32, p: 1 }.check().is_ok());
    }

    #[test]
    fn secret_debug_prints_nothing() -> Result<()> {
        let s = make_secret()?;
        assert_eq!(format!("{s:?}"), "Secret32(..)");
        Ok(())
    }

    #[test]
    fn subkeys_differ_by_purpose_and_are_deterministic() -> Result<()> {
        let s = make_secret()?;
        let a = derive_subkey(&s, b"a")?;
        let a2 = derive_subkey(&s, b"a")?;
        let b = derive_subkey(&s, b"b")?;
        assert_eq!(a.expose(), a2.expose());
        assert_ne!(a.expose(), b.expose());
        Ok(())
    }
}

#[cfg(test)]
mod timing {
    use super::*;

    /// Not an assertion of speed: prints what calibration chose, for docs/BENCHMARKS.md.
    #[test]
    #[ignore]
    fn show_calibration() -> Result<()> {
        let p = KdfParams::calibrate(Duration::from_millis(750))?;
        let salt = make_random_bytes::<16>()?;
        let t = Instant::now();
        derive_from_passphrase(b"x", &salt, &p)?;
        eprintln!("calibrated {p:?}: one derivation took {:?}", t.elapsed());
        Ok(())
    }
}

package portal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// SecretKeyEnv names the environment variable that may hold the portal's 32-byte
// secret key, written as 64 hex digits or as base64 (standard or URL alphabet,
// padded or not). It is read when Config.SecretKey is nil.
const SecretKeyEnv = "PORTAL_SECRET_KEY"

// SecretKeySize is the size of the portal's secret key in bytes (AES-256).
const SecretKeySize = 32

// keyFilePath is where the secret key lives when neither Config.SecretKey nor the
// environment gives one: beside the database, readable by its owner only.
func keyFilePath(dbPath string) string { return dbPath + ".key" }

// keyring holds the keys derived from the portal's secret key: the AEAD that seals
// TOTP secrets and the HMAC key that hashes recovery codes. Deriving separate keys
// keeps one use of the master key from weakening another.
type keyring struct {
	aead        cipher.AEAD
	recoveryMAC []byte
	// temporaryAccessMAC hashes temporary access codes (tempaccess.go).
	temporaryAccessMAC []byte
	check              []byte // identifies the master key without revealing it or its subkeys
}

func newKeyring(master []byte) (*keyring, error) {
	if len(master) != SecretKeySize {
		return nil, fmt.Errorf("portal: secret key must be %d bytes, got %d", SecretKeySize, len(master))
	}
	derive := func(label string) ([]byte, error) {
		return hkdf.Key(sha256.New, master, nil, "partner-portal "+label, 32)
	}
	sealKey, err := derive("totp-secret v1")
	if err != nil {
		return nil, err
	}
	macKey, err := derive("recovery-code v1")
	if err != nil {
		return nil, err
	}
	checkKey, err := derive("key-check v1")
	if err != nil {
		return nil, err
	}
	tempKey, err := derive("temporary-access v1")
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(sealKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	check := sha256.Sum256(checkKey)
	return &keyring{aead: aead, recoveryMAC: macKey, temporaryAccessMAC: tempKey, check: check[:]}, nil
}

// seal encrypts plaintext bound to owner (the account ID), so a sealed secret
// copied to another account's row does not open.
func (k *keyring) seal(plaintext []byte, owner string) []byte {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	rand.Read(nonce)
	return k.aead.Seal(nonce, nonce, plaintext, []byte(owner))
}

// open reverses seal.
func (k *keyring) open(sealed []byte, owner string) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n+k.aead.Overhead() {
		return nil, errors.New("portal: sealed secret too short")
	}
	plain, err := k.aead.Open(nil, sealed[:n], sealed[n:], []byte(owner))
	if err != nil {
		return nil, errors.New("portal: sealed secret does not open with this key")
	}
	return plain, nil
}

// recoveryHash is the stored form of a normalized recovery code: an HMAC under a
// key the database does not hold, so a stolen database alone cannot be searched
// for the codes' modest entropy.
func (k *keyring) recoveryHash(normalized string) []byte {
	m := hmac.New(sha256.New, k.recoveryMAC)
	m.Write([]byte(normalized))
	return m.Sum(nil)
}

// subjectHash is the stored form of a limit subject that may hold typed secrets
// (a username field sometimes holds a password): HMAC-SHA-256 in hex, under the
// recovery-code key with its own prefix so the two uses never meet.
func (k *keyring) subjectHash(subject string) string {
	m := hmac.New(sha256.New, k.recoveryMAC)
	m.Write([]byte("limit-subject\x00"))
	m.Write([]byte(subject))
	return hex.EncodeToString(m.Sum(nil))
}

// loadSecretKey returns the key given in cfg, else in the environment, else in the
// key file beside the database, which it creates (mode 0600) on first start.
func loadSecretKey(cfg Config) ([]byte, error) {
	if cfg.SecretKey != nil {
		if len(cfg.SecretKey) != SecretKeySize {
			return nil, fmt.Errorf("portal: Config.SecretKey must be %d bytes, got %d", SecretKeySize, len(cfg.SecretKey))
		}
		return cfg.SecretKey, nil
	}
	if v, ok := os.LookupEnv(SecretKeyEnv); ok {
		key, err := parseSecretKey(v)
		if err != nil {
			return nil, fmt.Errorf("portal: %s: %w", SecretKeyEnv, err)
		}
		return key, nil
	}
	return loadOrCreateKeyFile(keyFilePath(cfg.DBPath))
}

// parseSecretKey reads a 32-byte key written as hex or base64.
func parseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*SecretKeySize {
		if key, err := hex.DecodeString(s); err == nil {
			return key, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != SecretKeySize {
				return nil, fmt.Errorf("key must be %d bytes, got %d", SecretKeySize, len(key))
			}
			return key, nil
		}
	}
	return nil, fmt.Errorf("key must be %d bytes written as 64 hex digits or base64", SecretKeySize)
}

func loadOrCreateKeyFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		key := make([]byte, SecretKeySize)
		rand.Read(key)
		_, werr := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
		if serr := f.Sync(); werr == nil {
			werr = serr
		}
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return nil, fmt.Errorf("portal: write key file: %w", werr)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("portal: create key file: %w", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("portal: key file: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("portal: key file %s is readable by others (mode %v); run chmod 600 on it", path, info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("portal: read key file: %w", err)
	}
	key, err := parseSecretKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("portal: key file %s: %w", path, err)
	}
	return key, nil
}

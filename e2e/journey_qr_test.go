package e2e

import (
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"image"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// totpKey is the shared secret read from the QR code on the screen, as a
// person's authenticator app reads it. It is never logged.
type totpKey struct {
	secret string
}

// scanQR screenshots the window until zbarimg finds the QR code in it (the
// first frames of the step may still be drawing), checks the otpauth URI
// and how the code is drawn, and returns the key.
func (j *journey) scanQR() totpKey {
	j.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for attempt := 1; ; attempt++ {
		path, img := j.app.screenshot(fmt.Sprintf("qr-%d", attempt))
		uri, err := zbarimg(path)
		if err == nil {
			key, err := parseOTPAuthURI(uri)
			if err != nil {
				j.t.Fatalf("%s theme: the QR code's otpauth URI: %v", j.theme, err)
			}
			if err := checkQRDrawing(img); err != nil {
				j.t.Errorf("%s theme: the QR code on the screen: %v (screenshot %s)", j.theme, err, filepath.Base(path))
			}
			return key
		}
		if time.Now().After(deadline) {
			j.t.Fatalf("%s theme: zbarimg found no QR code in the window within %v: %v", j.theme, stepTimeout, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// zbarimg decodes the one QR code in the PNG at path.
func zbarimg(path string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", path).Output()
	if err != nil {
		// Exit status 4: no symbol found. The output is never shown: it
		// would be the secret.
		return "", fmt.Errorf("zbarimg: %v", err)
	}
	text := strings.TrimRight(string(out), "\n")
	if strings.Count(text, "\n") > 0 {
		return "", fmt.Errorf("zbarimg found more than one QR code")
	}
	return text, nil
}

// parseOTPAuthURI checks the URI in the QR code against the contract
// (DESIGN.md) and returns its key: otpauth://totp/ISSUER:ACCOUNT with the
// issuer parameter, an unpadded base32 secret of 160 bits, and SHA1, 6
// digits, 30 s if named. The error names each part that is wrong, never
// its value when that is secret.
func parseOTPAuthURI(uri string) (totpKey, error) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	u, err := url.Parse(uri)
	if err != nil {
		return totpKey{}, fmt.Errorf("not a URI: %v", strings.ReplaceAll(err.Error(), uri, "…"))
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		return totpKey{}, fmt.Errorf("%s://%s…, want otpauth://totp/…", u.Scheme, u.Host)
	}
	q := u.Query()
	label := strings.TrimPrefix(u.Path, "/")
	issuer, account, ok := strings.Cut(label, ":")
	if !ok || strings.Contains(account, ":") {
		bad("label %q: want ISSUER:ACCOUNT with one colon", label)
	}
	if issuer != "Partner Portal (demo)" {
		bad("label issuer = %q, want the demo portal's %q", issuer, "Partner Portal (demo)")
	}
	if got := q.Get("issuer"); got != issuer {
		bad("issuer parameter = %q, want the label's %q", got, issuer)
	}
	if account != demoUsername {
		bad("label account = %q, want %q", account, demoUsername)
	}
	secret := q.Get("secret")
	switch {
	case strings.Contains(secret, "="):
		bad("the secret is padded; the contract says unpadded base32")
	case len(secret) != 32:
		bad("the secret has %d characters, want 32 (160 bits of base32)", len(secret))
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		bad("the secret is not base32 (A–Z, 2–7)")
	} else if len(raw) != 20 {
		bad("the secret holds %d bytes, want 20", len(raw))
	}
	for _, p := range [][2]string{{"algorithm", "SHA1"}, {"digits", "6"}, {"period", "30"}} {
		name, want := p[0], p[1]
		if got, named := q[name]; named && (len(got) != 1 || got[0] != want) {
			bad("%s = %q, want %q", name, got, want)
		}
	}
	if len(problems) > 0 {
		return totpKey{}, errors.New(strings.Join(problems, "; "))
	}
	return totpKey{secret: secret}, nil
}

// codeAt is the key's 6-digit code for the 30-second time step `step`,
// computed by oathtool, independently of the app and the portal. The
// secret goes on oathtool's standard input, not its command line.
func (k totpKey) codeAt(t *testing.T, step int64) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "oathtool", "--totp", "--base32", "--now", "@"+strconv.FormatInt(step*30, 10), "-")
	cmd.Stdin = strings.NewReader(k.secret)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	code := strings.TrimSpace(string(out))
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		t.Fatalf("oathtool gave %d characters, want 6 digits", len(code))
	}
	return code
}

// codeWithTimeLeft is the key's current code and its time step. When less
// than margin is left in the step, it waits for the next step, so that the
// code is still current when the portal checks it: the portal takes one
// step either side, but a code typed across the boundary is what a person
// would avoid too.
func (k totpKey) codeWithTimeLeft(t *testing.T, margin time.Duration) (string, int64) {
	t.Helper()
	now := time.Now()
	step := now.Unix() / 30
	if left := time.Unix((step+1)*30, 0).Sub(now); left < margin {
		time.Sleep(left + 100*time.Millisecond)
		step++
	}
	return k.codeAt(t, step), step
}

// checkQRDrawing checks how the QR code is drawn in the screenshot img:
// black modules on white (whatever the theme), crisp (every pixel of the
// symbol pure black or pure white: no smoothing), a whole number of pixels
// per module, a quiet zone of 4 white modules all round, and at least
// 240 px including the quiet zone.
//
// The symbol is found as the bounding box of the pure black pixels whose
// neighbours are all pure black too: the themes draw text and icons in
// softer colours, and the dark theme's pure black separators are lines one
// pixel wide, while a module is at least 4 px (240 px and at most 57
// modules).
func checkQRDrawing(img image.Image) error {
	b := img.Bounds()
	black := func(x, y int) bool {
		r, g, bl, _ := img.At(x, y).RGBA()
		return r>>8 <= 8 && g>>8 <= 8 && bl>>8 <= 8
	}
	white := func(x, y int) bool {
		r, g, bl, _ := img.At(x, y).RGBA()
		return r>>8 >= 0xf7 && g>>8 >= 0xf7 && bl>>8 >= 0xf7
	}
	solid := func(x, y int) bool {
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				if !black(x+dx, y+dy) {
					return false
				}
			}
		}
		return true
	}
	sym := image.Rectangle{Min: b.Max, Max: b.Min}
	for y := b.Min.Y + 1; y < b.Max.Y-1; y++ {
		for x := b.Min.X + 1; x < b.Max.X-1; x++ {
			if solid(x, y) {
				sym = sym.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if sym.Empty() {
		return fmt.Errorf("no black area in the window")
	}
	sym = sym.Inset(-1)
	w, h := sym.Dx(), sym.Dy()
	if w != h {
		return fmt.Errorf("the black areas span %d×%d px, not a square: the code is not black on white, or something else is pure black", w, h)
	}
	// The top-left finder pattern's top edge is 7 modules of black.
	run := 0
	for x := sym.Min.X; x < sym.Max.X && black(x, sym.Min.Y); x++ {
		run++
	}
	if run%7 != 0 || w%(run/7) != 0 {
		return fmt.Errorf("the finder pattern's edge is %d px in a symbol of %d px: not a whole number of pixels per module", run, w)
	}
	module := run / 7
	modules := w / module
	if modules < 21 || (modules-17)%4 != 0 {
		return fmt.Errorf("the symbol is %d modules of %d px, not a QR code's size", modules, module)
	}
	for y := sym.Min.Y; y < sym.Max.Y; y++ {
		for x := sym.Min.X; x < sym.Max.X; x++ {
			if !black(x, y) && !white(x, y) {
				return fmt.Errorf("pixel (%d,%d) inside the symbol is %v, neither black nor white: the code is smoothed or tinted", x, y, img.At(x, y))
			}
		}
	}
	quiet := sym.Inset(-4 * module)
	if !quiet.In(b) {
		return fmt.Errorf("the quiet zone %v does not fit in the window %v", quiet, b)
	}
	for y := quiet.Min.Y; y < quiet.Max.Y; y++ {
		for x := quiet.Min.X; x < quiet.Max.X; x++ {
			if !image.Pt(x, y).In(sym) && !white(x, y) {
				return fmt.Errorf("pixel (%d,%d) of the 4-module quiet zone is %v, not white", x, y, img.At(x, y))
			}
		}
	}
	if side := quiet.Dx(); side < 240 {
		return fmt.Errorf("the code with its quiet zone is %d px, want at least 240", side)
	}
	return nil
}

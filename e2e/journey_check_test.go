package e2e

import (
	"image"
	"image/color"
	"image/draw"
	"strings"
	"testing"

	"github.com/skip2/go-qrcode"
)

// The journey's checks must be able to fail: these tests give them
// pictures and logs with the faults they look for. They need no display.

// drawnQR is a window-sized picture of a QR code: background bg, `module`
// pixels per module, `quiet` white modules around, at (40, 60), and with
// pure black one-pixel separators across it, as the dark theme draws them.
func drawnQR(t *testing.T, content string, bg color.Color, module, quiet int) *image.RGBA {
	t.Helper()
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	q.DisableBorder = true
	bits := q.Bitmap()
	img := image.NewRGBA(image.Rect(0, 0, 860, 680))
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	for x := range img.Bounds().Dx() {
		img.Set(x, 52, color.Black)
	}
	side := (len(bits) + 2*quiet) * module
	at := image.Pt(40, 60)
	draw.Draw(img, image.Rectangle{Min: at, Max: at.Add(image.Pt(side, side))}, image.White, image.Point{}, draw.Src)
	for y, row := range bits {
		for x, dark := range row {
			if dark {
				m := image.Rect(0, 0, module, module).Add(at).Add(image.Pt((x+quiet)*module, (y+quiet)*module))
				draw.Draw(img, m, image.Black, image.Point{}, draw.Src)
			}
		}
	}
	return img
}

const sampleURI = "otpauth://totp/Partner%20Portal%20%28demo%29:reseller%40example.com?algorithm=SHA1&digits=6&issuer=Partner%20Portal%20%28demo%29&period=30&secret=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

func TestJourneyQRDrawingCheck(t *testing.T) {
	dark := color.RGBA{0x17, 0x17, 0x18, 0xff}
	t.Run("black on white with its quiet zone, light and dark", func(t *testing.T) {
		for _, bg := range []color.Color{color.White, dark} {
			if err := checkQRDrawing(drawnQR(t, sampleURI, bg, 5, 4)); err != nil {
				t.Errorf("background %v: %v", bg, err)
			}
		}
	})
	for _, tc := range []struct {
		name string
		img  func() *image.RGBA
		want string
	}{
		{"quiet zone of 2 modules on the dark theme", func() *image.RGBA { return drawnQR(t, sampleURI, dark, 5, 2) }, "quiet zone"},
		{"smoothed edge", func() *image.RGBA {
			img := drawnQR(t, sampleURI, color.White, 5, 4)
			img.Set(40+4*5+3, 60+4*5+7*5, color.Gray{0x80}) // below the finder pattern
			return img
		}, "neither black nor white"},
		{"too small", func() *image.RGBA { return drawnQR(t, "x", color.White, 4, 4) }, "at least 240"},
		{"white on black", func() *image.RGBA {
			img := drawnQR(t, sampleURI, color.White, 5, 4)
			for i := range img.Pix {
				if i%4 != 3 {
					img.Pix[i] = 0xff - img.Pix[i]
				}
			}
			return img
		}, ""},
		{"no code", func() *image.RGBA { return image.NewRGBA(image.Rect(0, 0, 200, 200)) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkQRDrawing(tc.img())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("checkQRDrawing = %v, want an error about %q", err, tc.want)
			}
		})
	}
}

func TestJourneyOTPAuthURICheck(t *testing.T) {
	k, err := parseOTPAuthURI(sampleURI)
	if err != nil || k.secret != strings.Repeat("A", 32) {
		t.Errorf("parseOTPAuthURI(a good URI) = error %v, or not its secret", err)
	}
	secret := "secret=" + strings.Repeat("A", 32)
	for _, tc := range []struct{ old, new, want string }{
		{secret, secret + "====", "padded"},
		{secret, "secret=" + strings.Repeat("A", 16), "16 characters"},
		{secret, "secret=" + strings.Repeat("A", 31) + "1", "not base32"},
		{"algorithm=SHA1", "algorithm=SHA256", "algorithm"},
		{"digits=6", "digits=8", "digits"},
		{"period=30", "period=60", "period"},
		{"&issuer=Partner%20Portal%20%28demo%29", "", "issuer parameter"},
		{"totp/", "hotp/", "otpauth://hotp"},
		{"%28demo%29:reseller", "%28demo%29:%3Areseller", "one colon"},
		{"reseller%40example.com", "someone%40example.com", "label account"},
	} {
		_, err := parseOTPAuthURI(strings.Replace(sampleURI, tc.old, tc.new, 1))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("with %q for %q: error %v, want one about %q", tc.new, tc.old, err, tc.want)
		}
	}
}

func TestJourneyRoundTripCount(t *testing.T) {
	log := []string{
		`Demo portal: http://127.0.0.1:1  username u  password p`,
		`time=2026-11-28T04:37:23.957Z level=INFO msg=request component=demo-portal request_id=a method=POST path=/api/v1/login status=200`,
		`time=2026-11-28T04:37:23.957Z level=DEBUG msg="portal request" method=POST path=/login status=200 request_id=a attempts=1 duration=1ms`,
		`time=2026-11-28T04:37:23.958Z level=DEBUG msg="portal request" method=GET path=/account/security status=200 request_id=b attempts=3 duration=1ms`,
		`time=2026-11-28T04:37:23.959Z level=DEBUG msg="portal request failed" method=POST path=/account/security/totp/confirm request_id=c error=network:timeout duration=10s`,
		`time=2026-11-28T04:37:23.959Z level=INFO msg="sign-in failed" code=network:timeout`,
	}
	got := countRoundTrips(log)
	want := []string{"POST /login 200", "GET /account/security 200", "POST /account/security/totp/confirm failed"}
	if strings.Join(got.Calls, "|") != strings.Join(want, "|") || got.total() != 5 || got.Served != 1 {
		t.Errorf("countRoundTrips = %+v, want calls %q, 5 round trips (1 + 3 attempts + 1), 1 served", got, want)
	}
}

package ui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"github.com/skip2/go-qrcode"
)

const (
	// qrQuietZone is the blank margin around a QR code, in modules, that
	// the standard asks for and phone cameras need.
	qrQuietZone = 4
	// qrMinSize is the smallest the QR code is drawn, in Fyne units.
	qrMinSize = 240
)

// qrImage renders content as a QR code with medium error correction: one
// pixel per module, black on white, with a 4-module white quiet zone. It is
// always black on white, whatever the theme: scanners expect dark modules
// on a light ground.
func qrImage(content string) (*image.Gray, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	q.DisableBorder = true
	bits := q.Bitmap()
	n := len(bits) + 2*qrQuietZone
	img := image.NewGray(image.Rect(0, 0, n, n))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y, row := range bits {
		for x, dark := range row {
			if dark {
				img.SetGray(x+qrQuietZone, y+qrQuietZone, color.Gray{})
			}
		}
	}
	return img, nil
}

// qrCanvas returns the QR code of content as an image scaled without
// smoothing, so every module stays a crisp square, at a whole number of
// units per module and at least qrMinSize.
func qrCanvas(content string) (*canvas.Image, error) {
	img, err := qrImage(content)
	if err != nil {
		return nil, err
	}
	modules := img.Bounds().Dx()
	perModule := (qrMinSize + modules - 1) / modules
	side := float32(modules * perModule)
	c := canvas.NewImageFromImage(img)
	c.ScaleMode = canvas.ImageScalePixels
	c.FillMode = canvas.ImageFillContain
	c.SetMinSize(fyne.NewSize(side, side))
	return c, nil
}

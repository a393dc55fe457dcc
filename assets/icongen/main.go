// Command icongen draws the application icon, a shield holding a key, and
// writes it as a 512×512 PNG. It is run by `go generate ./assets`, so the
// icon is reproducible from code rather than a hand-edited binary.
package main

import (
	"flag"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"log"
	"math"
	"os"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/vector"
)

const size = 512

var (
	shieldTop    = color.RGBA{0x1f, 0x6f, 0xd1, 0xff}
	shieldBottom = color.RGBA{0x0b, 0x3a, 0x7e, 0xff}
	rim          = color.RGBA{0xe8, 0xf1, 0xfd, 0xff}
	keyColour    = color.RGBA{0xff, 0xc8, 0x3d, 0xff}
	keyShade     = color.RGBA{0xd9, 0x96, 0x0f, 0xff}
)

func main() {
	out := flag.String("o", "Icon.png", "output PNG file")
	small := flag.String("small", "", "also write a 64×64 copy to this PNG file, for the window's header")
	flag.Parse()

	img := image.NewRGBA(image.Rect(0, 0, size, size))
	drawShield(img, 0, rim)
	drawShield(img, 18, nil)
	drawKey(img)

	writePNG(*out, img)
	if *small != "" {
		s := image.NewRGBA(image.Rect(0, 0, 64, 64))
		xdraw.CatmullRom.Scale(s, s.Bounds(), img, img.Bounds(), draw.Src, nil)
		writePNG(*small, s)
	}
}

func writePNG(path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// shieldPath traces the shield outline, inset by inset pixels: a flat top with
// rounded shoulders, straight sides, and curves meeting in a point at the bottom.
func shieldPath(r *vector.Rasterizer, inset float32) {
	l, t, rr := 56+inset, 40+inset*0.9, size-56-inset
	mid := float32(size) / 2
	bottom := size - 24 - inset*1.25
	r.MoveTo(mid, t)
	r.CubeTo(mid+70, t+38, rr-40, t+44, rr, t+40)
	r.LineTo(rr, 250)
	r.CubeTo(rr, 350, mid+110, 420, mid, bottom)
	r.CubeTo(mid-110, 420, l, 350, l, 250)
	r.LineTo(l, t+40)
	r.CubeTo(l+40, t+44, mid-70, t+38, mid, t)
	r.ClosePath()
}

// drawShield fills the shield inset by inset pixels, in fill or, when fill is
// nil, in a vertical gradient.
func drawShield(dst *image.RGBA, inset float32, fill color.Color) {
	r := vector.NewRasterizer(size, size)
	shieldPath(r, inset)
	var src image.Image = image.NewUniform(fill)
	if fill == nil {
		src = verticalGradient(shieldTop, shieldBottom)
	}
	r.Draw(dst, dst.Bounds(), src, image.Point{})
}

// drawKey draws a key lying diagonally across the shield: a ring-shaped bow,
// a shaft and two teeth.
func drawKey(dst *image.RGBA) {
	r := vector.NewRasterizer(size, size)
	cx, cy := float32(178), float32(192)
	circle(r, cx, cy, 78, false)
	circle(r, cx, cy, 34, true) // the hole in the bow
	// Shaft: a rotated rectangle from the bow towards the bottom right.
	polygon(r, rotate(cx, cy, 45,
		[][2]float32{{cx + 60, cy - 20}, {cx + 250, cy - 20}, {cx + 250, cy + 20}, {cx + 60, cy + 20}}))
	// Teeth, hanging from the shaft.
	polygon(r, rotate(cx, cy, 45,
		[][2]float32{{cx + 190, cy + 18}, {cx + 222, cy + 18}, {cx + 222, cy + 70}, {cx + 190, cy + 70}}))
	polygon(r, rotate(cx, cy, 45,
		[][2]float32{{cx + 140, cy + 18}, {cx + 168, cy + 18}, {cx + 168, cy + 56}, {cx + 140, cy + 56}}))
	r.Draw(dst, dst.Bounds(), verticalGradient(keyColour, keyShade), image.Point{})
}

// circle adds a circle to r; reverse winds it the other way so that, under the
// rasterizer's non-zero rule, it cuts a hole in a shape drawn around it.
func circle(r *vector.Rasterizer, cx, cy, radius float32, reverse bool) {
	const k = 0.5523 // cubic Bézier approximation of a quarter circle
	c := radius * k
	if !reverse {
		r.MoveTo(cx+radius, cy)
		r.CubeTo(cx+radius, cy+c, cx+c, cy+radius, cx, cy+radius)
		r.CubeTo(cx-c, cy+radius, cx-radius, cy+c, cx-radius, cy)
		r.CubeTo(cx-radius, cy-c, cx-c, cy-radius, cx, cy-radius)
		r.CubeTo(cx+c, cy-radius, cx+radius, cy-c, cx+radius, cy)
	} else {
		r.MoveTo(cx+radius, cy)
		r.CubeTo(cx+radius, cy-c, cx+c, cy-radius, cx, cy-radius)
		r.CubeTo(cx-c, cy-radius, cx-radius, cy-c, cx-radius, cy)
		r.CubeTo(cx-radius, cy+c, cx-c, cy+radius, cx, cy+radius)
		r.CubeTo(cx+c, cy+radius, cx+radius, cy+c, cx+radius, cy)
	}
	r.ClosePath()
}

func polygon(r *vector.Rasterizer, pts [][2]float32) {
	r.MoveTo(pts[0][0], pts[0][1])
	for _, p := range pts[1:] {
		r.LineTo(p[0], p[1])
	}
	r.ClosePath()
}

// rotate turns pts by deg degrees clockwise around (cx, cy).
func rotate(cx, cy float32, deg float64, pts [][2]float32) [][2]float32 {
	s, c := math.Sincos(deg * math.Pi / 180)
	out := make([][2]float32, len(pts))
	for i, p := range pts {
		x, y := float64(p[0])-float64(cx), float64(p[1])-float64(cy)
		out[i] = [2]float32{float32(float64(cx) + x*c - y*s), float32(float64(cy) + x*s + y*c)}
	}
	return out
}

// verticalGradient returns an image that blends from top to bottom.
func verticalGradient(from, to color.RGBA) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		t := float64(y) / (size - 1)
		c := color.RGBA{
			R: uint8(float64(from.R)*(1-t) + float64(to.R)*t),
			G: uint8(float64(from.G)*(1-t) + float64(to.G)*t),
			B: uint8(float64(from.B)*(1-t) + float64(to.B)*t),
			A: 0xff,
		}
		draw.Draw(img, image.Rect(0, y, size, y+1), image.NewUniform(c), image.Point{}, draw.Src)
	}
	return img
}

package main

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/draw"
)

// hicolorSizes are the fixed-size directories of the hicolor icon theme that
// desktops look in for an application icon.
var hicolorSizes = []int{16, 24, 32, 48, 64, 128, 256, 512}

// writeHicolorIcons scales the square PNG at src to each hicolor size and
// writes dir/NxN/apps/name.png. The output depends only on the input, so
// packages that hold the icons can be rebuilt bit for bit.
func writeHicolorIcons(src, dir, name string) error {
	img, err := readSquarePNG(src, hicolorSizes[len(hicolorSizes)-1])
	if err != nil {
		return err
	}
	for _, size := range hicolorSizes {
		path := filepath.Join(dir, fmt.Sprintf("%dx%d", size, size), "apps", name+".png")
		if err := writePNG(path, scale(img, size)); err != nil {
			return err
		}
	}
	return nil
}

// scale returns img resized to size×size with a Catmull-Rom filter, which
// keeps edges sharp when an icon is made much smaller.
func scale(img image.Image, size int) image.Image {
	if img.Bounds().Dx() == size {
		return img
	}
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	return dst
}

// writePNG encodes img at the best compression into path, creating its
// directory.
func writePNG(path string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	return f.Close()
}

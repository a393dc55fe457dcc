package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"os"
)

// icoSizes are the sizes Windows picks from for the Start menu, Apps &
// features and Explorer at common display scalings.
var icoSizes = []int{16, 24, 32, 48, 64, 256}

// writeICO writes a Windows icon file holding the square PNG at src scaled to
// each of icoSizes, each entry stored as PNG (which Windows reads since
// Vista). The MSI shows it in Apps & features and on the Start-menu shortcut.
func writeICO(src, out string) error {
	img, err := readSquarePNG(src, icoSizes[len(icoSizes)-1])
	if err != nil {
		return err
	}
	images := make([][]byte, len(icoSizes))
	for i, size := range icoSizes {
		var buf bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(&buf, scale(img, size)); err != nil {
			return err
		}
		images[i] = buf.Bytes()
	}

	// ICONDIR, then one ICONDIRENTRY per image, then the images.
	var ico bytes.Buffer
	le := binary.LittleEndian
	ico.Write(le.AppendUint16(nil, 0))
	ico.Write(le.AppendUint16(nil, 1)) // 1: icon (2 would be a cursor)
	ico.Write(le.AppendUint16(nil, uint16(len(images))))
	offset := 6 + 16*len(images)
	for i, size := range icoSizes {
		dim := byte(size)
		if size >= 256 {
			dim = 0 // 0 stands for 256
		}
		ico.Write([]byte{dim, dim, 0, 0})
		ico.Write(le.AppendUint16(nil, 1))  // colour planes
		ico.Write(le.AppendUint16(nil, 32)) // bits per pixel
		ico.Write(le.AppendUint32(nil, uint32(len(images[i]))))
		ico.Write(le.AppendUint32(nil, uint32(offset)))
		offset += len(images[i])
	}
	for _, b := range images {
		ico.Write(b)
	}
	return os.WriteFile(out, ico.Bytes(), 0o644)
}

// readSquarePNG decodes the PNG at path and checks that it is square and at
// least min pixels wide, so that no icon is scaled up.
func readSquarePNG(path string, min int) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	b := img.Bounds()
	if b.Dx() != b.Dy() || b.Dx() < min {
		return nil, fmt.Errorf("%s is %dx%d: it must be square and at least %d pixels wide", path, b.Dx(), b.Dy(), min)
	}
	return img, nil
}

// Package zstd is a stub of github.com/klauspost/compress/zstd for tests.
package zstd

import "io"

type Decoder struct{}

func (d *Decoder) Read(p []byte) (int, error) { return 0, io.EOF }

func NewReader(r io.Reader) (*Decoder, error) { return &Decoder{}, nil }

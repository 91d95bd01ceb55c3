package a

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"io/ioutil"
	"net/http"
	"os"

	"github.com/klauspost/compress/zstd"
)

const maxSize = 10 << 20

func gunzip(r *http.Request) ([]byte, error) {
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr) // want `io.ReadAll reads the output of gzip.NewReader without a limit`
}

func gunzipLimited(r *http.Request) ([]byte, error) {
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(zr, maxSize))
}

func inflate(dst io.Writer, src io.Reader) error {
	_, err := io.Copy(dst, flate.NewReader(src)) // want `io.Copy reads the output of flate.NewReader without a limit`
	return err
}

func inflateN(dst io.Writer, src io.Reader) error {
	_, err := io.CopyN(dst, flate.NewReader(src), maxSize)
	return err
}

func zlibOld(src io.Reader) ([]byte, error) {
	zr, _ := zlib.NewReader(src)
	return ioutil.ReadAll(zr) // want `ioutil.ReadAll reads the output of zlib.NewReader`
}

func unzip(zr *zip.Reader, dir string) error {
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return err
		}
		out, err := os.Create(dir + "/x")
		if err != nil {
			return err
		}
		io.Copy(out, rc) // want `io.Copy reads the output of a zip entry without a limit`
		rc.Close()
		out.Close()
	}
	return nil
}

func untar(src io.Reader, dst io.Writer) {
	gz, _ := gzip.NewReader(src)
	tr := tar.NewReader(bufio.NewReader(gz))
	for {
		if _, err := tr.Next(); err != nil {
			return
		}
		io.Copy(dst, tr) // want `io.Copy reads the output of gzip.NewReader`
	}
}

func reassigned(src io.Reader) []byte {
	var r io.Reader
	r, _ = gzip.NewReader(src)
	r = io.LimitReader(r, maxSize)
	b, _ := io.ReadAll(r)
	return b
}

func drain(src io.Reader) {
	zr, _ := gzip.NewReader(src)
	io.Copy(io.Discard, zr) // nothing kept: not reported
}

func buffer(src io.Reader) {
	zr, _ := zstd.NewReader(src)
	var buf bytes.Buffer
	buf.ReadFrom(zr) // want `bytes.Buffer.ReadFrom reads the output of zstd.NewReader`
}

func plain(src io.Reader) ([]byte, error) {
	return io.ReadAll(src) // not decompressed: other rules' business
}

var handler = func(w http.ResponseWriter, r *http.Request) {
	zr, _ := gzip.NewReader(r.Body)
	io.Copy(w, zr) // want `io.Copy reads the output of gzip.NewReader`
}

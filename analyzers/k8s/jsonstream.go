package k8s

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

// parseJSONStream reads concatenated JSON values ({…}{…}), as kubectl accepts, into documents
// whose positions are those of the original file.
func parseJSONStream(data []byte) ([]yamldoc.Document, error) {
	data = bytes.TrimPrefix(data, byteOrderMark)
	dec := json.NewDecoder(bytes.NewReader(data))
	var docs []yamldoc.Document
	for i := 0; ; i++ {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("not a JSON stream: %w", err)
		}
		end := int(dec.InputOffset())
		start := end - len(raw)
		lineStart := bytes.LastIndexByte(data[:start], '\n') + 1
		// Pad the first line so that the parser's columns match the file's.
		chunk := append(bytes.Repeat([]byte(" "), start-lineStart), raw...)
		parsed, err := yamldoc.Parse(chunk)
		if err != nil {
			return nil, err
		}
		shift := bytes.Count(data[:start], []byte("\n"))
		for _, d := range parsed {
			shiftLines(d.Root, shift)
			docs = append(docs, yamldoc.Document{Root: d.Root, Index: i})
		}
	}
}

// shiftLines moves every node of a JSON value down by n lines. JSON has no aliases, so the
// nodes form a tree and each is visited once.
func shiftLines(node *yaml.Node, n int) {
	node.Line += n
	for _, c := range node.Content {
		shiftLines(c, n)
	}
}

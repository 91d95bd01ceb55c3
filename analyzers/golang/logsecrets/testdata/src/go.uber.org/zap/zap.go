// Package zap is a minimal stub of go.uber.org/zap for analyzer tests.
package zap

type Field struct {
	Key    string
	String string
}

type Logger struct{}

func String(key, val string) Field  { return Field{Key: key, String: val} }
func Int(key string, val int) Field { return Field{Key: key} }

func (l *Logger) Info(msg string, fields ...Field)  {}
func (l *Logger) Error(msg string, fields ...Field) {}

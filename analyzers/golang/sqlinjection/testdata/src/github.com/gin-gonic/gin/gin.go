// Package gin is a minimal stub of github.com/gin-gonic/gin for analyzer tests.
package gin

import "net/http"

type Context struct {
	Request *http.Request
	Writer  http.ResponseWriter
}

func (c *Context) Param(key string) string                               { return "" }
func (c *Context) Query(key string) string                               { return "" }
func (c *Context) PostForm(key string) string                            { return "" }
func (c *Context) GetHeader(key string) string                           { return "" }
func (c *Context) ShouldBindJSON(obj interface{}) error                  { return nil }
func (c *Context) String(code int, format string, values ...interface{}) {}

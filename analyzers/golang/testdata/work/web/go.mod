module example.com/web

go 1.22

require example.com/api v0.0.0

module example.com/replace

go 1.22

require example.com/missing v0.0.0

replace example.com/missing => ../does-not-exist

module example.com/cycle

go 1.26.8

require golang.org/x/text v0.3.5

replace golang.org/x/text => ../textapp/testdata/text

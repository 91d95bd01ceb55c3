module example.com/textapp

go 1.26

require golang.org/x/text v0.3.5

replace golang.org/x/text => ./testdata/text

module example.com/toolchain

go 1.22

toolchain go1.99.0

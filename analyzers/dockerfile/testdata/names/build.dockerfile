FROM alpine:3.20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
RUN sudo true  # want docker-sudo
USER 1000

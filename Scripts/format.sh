#!/bin/sh
# Rewrites the Swift sources in place with the repository's .swift-format configuration.
set -eu
cd "$(dirname "$0")/.."
exec swift format --in-place --recursive Sources Tests Package.swift

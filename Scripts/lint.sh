#!/bin/sh
# Checks the Swift sources against .swift-format; exits non-zero when there is any finding.
set -eu
cd "$(dirname "$0")/.."
exec swift format lint --strict --recursive Sources Tests Package.swift

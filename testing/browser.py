"""Debian's Chromium as the browser tests and screenshots drive it, through Playwright.

Playwright's own browser download cannot run here (no internet); the system's Chromium is
launched instead: headless, no sandbox (root in a container), no GPU, and with every
background connection switched off so nothing is fetched from the internet.
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

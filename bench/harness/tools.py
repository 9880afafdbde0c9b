"""Find, or install with apt-get, the external tools: nginx, Debian's nchan module, wrk."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

NCHAN_PACKAGE = "libnginx-mod-nchan"
NCHAN_CANDIDATES = (
    "/usr/lib/nginx/modules/ngx_nchan_module.so",
    "/usr/share/nginx/modules/ngx_nchan_module.so",
)


@dataclass
class Tools:
    nginx: str | None
    nginx_version: str
    nchan_module: str | None
    nchan_version: str
    wrk: str | None
    wrk_version: str
    notes: list[str]

    def as_dict(self) -> dict[str, object]:
        return {
            "nginx": self.nginx,
            "nginx_version": self.nginx_version,
            "nchan_module": self.nchan_module,
            "nchan_version": self.nchan_version,
            "wrk": self.wrk,
            "wrk_version": self.wrk_version,
            "notes": self.notes,
        }


def _nchan_module() -> str | None:
    for path in NCHAN_CANDIDATES:
        if Path(path).exists():
            return path
    return None


def _run(argv: list[str]) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    return (proc.stdout + proc.stderr).strip()


def _dpkg_version(package: str) -> str:
    out = _run(["dpkg-query", "-W", "-f=${Version}", package]) if shutil.which("dpkg-query") else ""
    return out if out and "no packages" not in out else ""


def _apt_install(packages: list[str], notes: list[str]) -> None:
    if not shutil.which("apt-get"):
        notes.append(f"apt-get not found: install {' '.join(packages)} by hand")
        return
    if os.geteuid() != 0:
        notes.append(f"not root: install {' '.join(packages)} by hand (apt-get install -y ...)")
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    print(f"bench: installing {' '.join(packages)} with apt-get", flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900, check=False)
    if proc.returncode != 0:
        subprocess.run(
            ["apt-get", "update"], capture_output=True, env=env, timeout=900, check=False
        )
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=env, timeout=900, check=False
        )
    if proc.returncode != 0:
        notes.append(f"apt-get install {' '.join(packages)} failed: {proc.stderr.strip()[-300:]}")
    else:
        notes.append(f"installed {' '.join(packages)} with apt-get")


def tools_find(*, install: bool = True) -> Tools:
    """Find nginx, the nchan module and wrk, installing the missing ones when allowed."""
    notes: list[str] = []
    missing = []
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        missing.append("nginx")
    if not _nchan_module():
        missing.append(NCHAN_PACKAGE)
    if not shutil.which("wrk"):
        missing.append("wrk")
    if missing and install:
        _apt_install(missing, notes)
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    wrk = shutil.which("wrk")
    nginx_version = _run([nginx, "-v"]).split("/")[-1] if nginx else ""
    wrk_version = _run([wrk, "--version"]).split("\n")[0] if wrk else ""
    return Tools(
        nginx=nginx,
        nginx_version=nginx_version,
        nchan_module=_nchan_module(),
        nchan_version=_dpkg_version(NCHAN_PACKAGE),
        wrk=wrk,
        wrk_version=wrk_version,
        notes=notes,
    )

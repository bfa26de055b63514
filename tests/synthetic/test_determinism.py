"""Same seed, same bytes, in separate processes with different hash seeds."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = ("import sys; from pathlib import Path; from famlink.synthetic.town import generate_town;"
          "generate_town(Path(sys.argv[1]), people=int(sys.argv[2]), seed=int(sys.argv[3]))")


def _generate(out: Path, seed: int, hash_seed: str, people: int = 800) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run([sys.executable, "-c", SCRIPT, str(out), str(people), str(seed)],
                   check=True, env=env)
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", seed=3, hash_seed="1")
    second = _generate(tmp_path / "b", seed=3, hash_seed="999")
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing
    assert any(name.endswith(".xlsx") for name in first)
    assert any(name.endswith(".parquet") for name in first)


def test_different_seeds_differ(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", seed=3, hash_seed="1", people=300)
    second = _generate(tmp_path / "b", seed=4, hash_seed="1", people=300)
    assert first["truth/persons.csv"] != second["truth/persons.csv"]
    assert first["incoming/health_ed/ecds_2023-2026.csv"] != \
        second["incoming/health_ed/ecds_2023-2026.csv"]

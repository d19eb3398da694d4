"""One platform from a config: networks, members, orders, pay, then the contract's tables."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from features.loading import snapshot_from_frames
from features.snapshot import Snapshot
from training.thirdsim.config import ThirdSimConfig, ThirdSimError
from training.thirdsim.families import FAMILIES
from training.thirdsim.networks import (
    REGIONS,
    Members,
    build_members,
    draw_networks,
    entry_fees,
    levels,
)
from training.thirdsim.pay import head_bonuses, reported, retail_commissions, team_overrides
from training.thirdsim.stock import fake_orders, packages, stock_orders
from training.thirdsim.trade import (
    BuyerSpace,
    consumer_sales,
    retail_rates,
    season_curve,
    wholesale_sales,
)

TABLES = ("accounts", "orders", "commissions", "labels")


@dataclass(frozen=True)
class Platform:
    """The four tables of a generated platform, in the data contract's columns."""

    accounts: pd.DataFrame
    orders: pd.DataFrame
    commissions: pd.DataFrame
    labels: pd.DataFrame  # account_id, label, role, family


_ALPHABET = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _digits(numbers: np.ndarray, base: int, width: int, prefix: bytes = b"") -> np.ndarray:
    """Fixed-width codes as a bytes array, built digit by digit without a Python loop."""
    places = base ** np.arange(width - 1, -1, -1, dtype=np.int64)
    columns = _ALPHABET[(numbers[:, None] // places) % base]
    if prefix:
        head = np.broadcast_to(np.frombuffer(prefix, dtype=np.uint8), (len(numbers), len(prefix)))
        columns = np.hstack([head, columns])
    return np.ascontiguousarray(columns).view(f"S{columns.shape[1]}").ravel()


def _ids(style: str, count: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    """Unique ids (bytes) in the platform's style; accounts and buyers never share a shape."""
    number = rng.permutation(count).astype(np.int64)
    if style == "numeric":
        base = {"account": 10_000_000, "buyer": 600_000_000, "order": 9_000_000_000}[kind]
        return (base + number).astype("S")
    if style == "hex":
        width = {"account": 10, "buyer": 12, "order": 14}[kind]
        # an odd multiplier modulo a power of two is a bijection: unique, but not in order
        return _digits((number * 0x9E3779B1 + 0x5BD1E995) % (16**width), 16, width)
    prefix = {"account": b"AG", "buyer": b"U", "order": b"ORD"}[kind]
    return _digits(number, 10, 8, prefix)


def _text(codes: np.ndarray) -> pd.Series:
    """Bytes codes as a pandas string column (through Arrow: no Python objects)."""
    return pd.Series(pa.array(codes, type=pa.binary()).cast(pa.string()).to_pandas())


def _times(config: ThirdSimConfig, days: np.ndarray) -> pd.Series:
    seconds = np.round(np.asarray(days, dtype=np.float64) * 86_400.0)
    return pd.Series(config.start_time + pd.to_timedelta(seconds, unit="s"))


def _roles(scheme: np.ndarray, members: Members) -> np.ndarray:
    """Organizer = the scheme's root; recruiter = builds a downline (3+ direct recruits)."""
    role = np.where(members.recruits >= 3, "recruiter", "participant").astype(object)
    role[members.local == 0] = "organizer"
    return np.where(scheme, role, "legitimate")


def _accounts(
    config: ThirdSimConfig,
    nets: pd.DataFrame,
    members: Members,
    account_id: np.ndarray,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The accounts table, and each member's joining fee (booked here or as a package)."""
    home = nets["region"].to_numpy()[members.network]
    region = np.where(rng.random(len(members)) < 0.85, home, rng.choice(REGIONS, len(members)))
    sponsor = np.where(members.sponsor >= 0, account_id[np.maximum(members.sponsor, 0)], b"")
    left = _times(config, np.nan_to_num(members.left, nan=0.0)).where(~np.isnan(members.left))
    fee = entry_fees(nets, members, rng)
    booked = np.where(nets["package"].to_numpy()[members.network], 0.0, fee)
    return pd.DataFrame(
        {
            "account_id": _text(account_id),
            "sponsor_id": _text(sponsor),
            "joined_at": _times(config, members.joined),
            "entry_fee": booked,
            "left_at": left,
            "region": region,
            "declared_level": levels(nets, members),
        }
    ), fee


def build_platform(config: ThirdSimConfig) -> Platform:
    """Generate every table of one platform (deterministic for a config)."""
    rng = np.random.default_rng(config.seed)
    span = float(config.span_days)
    nets = draw_networks(config, rng)
    members = build_members(nets, span, rng)
    account_id = _ids(config.id_style, len(members), "account", rng)
    accounts, fee = _accounts(config, nets, members, account_id, rng)
    end = np.where(np.isnan(members.left), span, members.left)
    space = BuyerSpace.of(len(members), len(nets))
    curve = season_curve(config.span_days, config.start_time)
    rate = retail_rates(nets, members, rng)
    stock = stock_orders(nets, members, rate, end, rng)
    orders = pd.concat(
        [
            consumer_sales(nets, members, rate, end, curve, space, rng),
            wholesale_sales(nets, members, end, curve, space, rng),
            packages(nets, members, fee),
            stock,
            fake_orders(nets, members, stock, end, space, rng),
        ],
        ignore_index=True,
    )
    # nobody sells after leaving (a collapsed scheme's root may have gone too)
    open_shop = orders["day"].to_numpy() < end[orders["seller"].to_numpy()]
    orders = orders[open_shop].sort_values("day", kind="stable")
    pay = pd.concat(
        [
            head_bonuses(nets, members),
            team_overrides(nets, members, orders),
            retail_commissions(nets, members, orders),
        ],
        ignore_index=True,
    )
    scheme = np.array([FAMILIES[f].scheme for f in nets["family"]])[members.network]
    labels = pd.DataFrame(
        {
            "account_id": _text(account_id),
            "label": scheme.astype(np.int64),
            "role": _roles(scheme, members),
            "family": nets["family"].to_numpy()[members.network],
        }
    )
    shuffle = rng.permutation(len(members))
    return Platform(
        accounts.iloc[shuffle].reset_index(drop=True),
        _order_table(config, orders, account_id, rng),
        _commission_table(config, reported(nets, members, pay, span), account_id),
        labels.iloc[shuffle].reset_index(drop=True),
    )


def _order_table(
    config: ThirdSimConfig,
    orders: pd.DataFrame,
    account_id: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The orders table: codes become ids, days become timestamps."""
    members = len(account_id)
    codes = orders["buyer"].to_numpy()
    outside, inverse = np.unique(codes[codes >= members], return_inverse=True)
    buyer = np.empty(len(codes), dtype="S16")  # wide enough for every id style
    buyer[codes < members] = account_id[codes[codes < members]]
    buyer[codes >= members] = _ids(config.id_style, len(outside), "buyer", rng)[inverse]
    return pd.DataFrame(
        {
            "order_id": _text(_ids(config.id_style, len(orders), "order", rng)),
            "seller_id": _text(account_id[orders["seller"].to_numpy()]),
            "buyer_id": _text(buyer),
            "created_at": _times(config, orders["day"].to_numpy()),
            "amount": orders["amount"].to_numpy(),
            "quantity": orders["quantity"].to_numpy(),
            "refunded": orders["refunded"].to_numpy(),
        }
    )


def _commission_table(
    config: ThirdSimConfig, pay: pd.DataFrame, account_id: np.ndarray
) -> pd.DataFrame:
    """The commissions table: codes become ids (empty source for statements)."""
    source = pay["source"].to_numpy()
    return pd.DataFrame(
        {
            "payee_id": _text(account_id[pay["payee"].to_numpy()]),
            "source_id": _text(np.where(source >= 0, account_id[np.maximum(source, 0)], b"")),
            "amount": pay["amount"].to_numpy(),
            "kind": pay["kind"].to_numpy().astype(str),
            "paid_at": _times(config, pay["day"].to_numpy()),
        }
    )


def write_platform(platform: Platform, out: Path) -> Path:
    """Write the four tables as Parquet into ``out`` (created; refused if it holds tables)."""
    out = Path(out)
    clashing = [t for t in TABLES for s in ("parquet", "csv") if (out / f"{t}.{s}").exists()]
    if clashing:
        raise ThirdSimError(f"{out}: already holds a snapshot ({clashing[0]}); choose an empty dir")
    out.mkdir(parents=True, exist_ok=True)
    staging = out / ".thirdsim-partial"
    staging.mkdir(exist_ok=True)
    for table in TABLES:
        getattr(platform, table).to_parquet(staging / f"{table}.parquet", index=False)
    for table in TABLES:  # every file written before any is visible
        (staging / f"{table}.parquet").replace(out / f"{table}.parquet")
    staging.rmdir()
    return out


def as_snapshot(platform: Platform) -> Snapshot:
    """The platform as an in-memory snapshot, its labels keeping the ``family`` column."""
    snapshot = snapshot_from_frames(
        platform.accounts, platform.orders, platform.commissions, platform.labels
    )
    assert snapshot.labels is not None
    family = platform.labels.set_index("account_id")["family"]
    labels = snapshot.labels.assign(family=family.reindex(snapshot.labels["account_id"]).to_numpy())
    return dataclasses.replace(snapshot, labels=labels)

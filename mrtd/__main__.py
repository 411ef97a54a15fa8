"""Command line of the mrtd library: `python -m mrtd COMMAND ...`, JSON on stdout, exit 1 on an invalid document."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from typing import Any, Callable

from mrtd.errors import MRTDError, ReaderError

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2


def _emit(payload: dict[str, Any]) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def _read_bytes(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ReaderError(f"{what}: no se puede leer / cannot read {path}: {exc.strerror}") from exc


def _trust(args: argparse.Namespace) -> tuple[list[bytes], bytes | None]:
    from mrtd.pki import certificates_from_file
    certs: list[bytes] = []
    for path in args.csca or []:
        certs += certificates_from_file(_read_bytes(path, "--csca"), what="--csca")
    master_list = _read_bytes(args.master_list, "--master-list") if args.master_list else None
    return certs, master_list


# --- commands ------------------------------------------------------------------------------


def cmd_mrz(args: argparse.Namespace) -> int:
    from mrtd.mrz import parse_mrz, split_lines
    result = parse_mrz(split_lines(args.lines), repair=args.repair)
    _emit(result.to_dict())
    return EXIT_OK if result.valid else EXIT_INVALID


def cmd_bac_keys(args: argparse.Namespace) -> int:
    from mrtd.bac import derive_keys
    keys = derive_keys(args.document_number, args.birth, args.expiry)
    _emit({"k_seed": keys.k_seed.hex().upper(), "k_enc": keys.k_enc.hex().upper(), "k_mac": keys.k_mac.hex().upper()})
    return EXIT_OK


def _dg_number(path: str, data: bytes) -> int:
    from mrtd.lds import TAG_DG
    if not data or data[0] not in TAG_DG:
        raise MRTDError(f"{path}: no es un grupo de datos LDS (etiqueta) / not an LDS data group (tag)")
    return TAG_DG[data[0]]


def cmd_pa(args: argparse.Namespace) -> int:
    from mrtd.pa import passive_authentication
    certs, master_list = _trust(args)
    groups: dict[int, bytes] = {}
    for path in args.dg_files:
        data = _read_bytes(path, "DG_FILE")
        groups[_dg_number(path, data)] = data
    report = passive_authentication(
        sod=_read_bytes(args.sod, "--sod"), data_groups=groups, csca_certs=certs, master_list=master_list,
        crls=[_read_bytes(p, "--crl") for p in args.crl or []],
        printed_mrz=_mrz_lines(args.mrz) if args.mrz else None,
    )
    _emit(report.to_dict())
    return EXIT_OK if report.valid else EXIT_INVALID


def cmd_pki_init(args: argparse.Namespace) -> int:
    from mrtd.pki import init_test_pki
    pki = init_test_pki(Path(args.directory), country=args.country)
    _emit({"directory": str(pki.directory), "files": sorted(p.name for p in Path(args.directory).iterdir())})
    return EXIT_OK


def _finger(spec: str, index: int) -> tuple[int, bytes]:
    """'POS:PATH' or 'PATH' (then positions 1, 2, ... in order: ISO/IEC 19794-4 finger codes)."""
    position, _, path = spec.partition(":") if ":" in spec and spec.split(":", 1)[0].isdigit() else ("", "", spec)
    return (int(position) if position else index + 1), _read_bytes(path, "--fingers")


def cmd_personalize(args: argparse.Namespace) -> int:
    from mrtd.lds import write_lds_dir
    from mrtd.mrz import parse_mrz
    from mrtd.personalize import personalize
    from mrtd.pki import load_pki
    lines = _mrz_lines(args.mrz)
    checked = parse_mrz(lines)
    if not checked.valid:
        _emit({"error": "MRZ inválida / invalid MRZ", "errors": checked.errors})
        return EXIT_INVALID
    files = personalize(
        mrz_lines=lines,
        face_image=_read_bytes(args.face, "--face"),
        finger_images=[_finger(spec, i) for i, spec in enumerate(args.fingers or [])],
        signature_image=_read_bytes(args.signature, "--signature") if args.signature else None,
        pki=load_pki(Path(args.pki)),
    )
    write_lds_dir(Path(args.out), files)
    _emit({"out": args.out, "files": {name: len(data) for name, data in files.items()}})
    return EXIT_OK


def cmd_chip(args: argparse.Namespace) -> int:
    from mrtd.chip import VirtualChip, serve_vpcd
    chip = VirtualChip.from_lds_dir(Path(args.lds))
    _emit({"serving": args.lds, "host": args.host, "port": args.port})
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(EXIT_OK))
    try:
        serve_vpcd(chip, args.host, args.port)
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def cmd_read(args: argparse.Namespace) -> int:
    from mrtd.lds import write_lds_dir
    from mrtd.reader import read_chip
    certs, master_list = _trust(args)

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} bytes", end="", file=sys.stderr, flush=True)

    result = read_chip(mrz_lines=_mrz_lines(args.mrz), reader_name=args.reader, progress=progress,
                       csca_certs=certs, master_list=master_list)
    print(file=sys.stderr)
    if args.out:
        write_lds_dir(Path(args.out), result.files)
    _emit(result.to_dict())
    return EXIT_OK if result.pa is not None and result.pa.valid else EXIT_INVALID


def _mrz_lines(values: list[str]) -> list[str]:
    from mrtd.mrz import split_lines
    return split_lines(values)


# --- parser --------------------------------------------------------------------------------


def _add_trust(parser: argparse.ArgumentParser, required: bool) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--csca", action="append", metavar="CERT", help="certificado CSCA (PEM o DER)")
    group.add_argument("--master-list", metavar="FILE", help="lista maestra CSCA (CMS)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mrtd", description="Herramientas ICAO 9303 / ICAO 9303 tools")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("mrz", help="analizar y validar una MRZ / parse and validate an MRZ")
    p.add_argument("lines", nargs="+", metavar="LINE")
    p.add_argument("--repair", action="store_true", help="corregir errores OCR / repair OCR errors")
    p.set_defaults(func=cmd_mrz)

    p = sub.add_parser("bac-keys", help="claves BAC / BAC keys")
    p.add_argument("document_number")
    p.add_argument("birth", metavar="BIRTH_YYMMDD")
    p.add_argument("expiry", metavar="EXPIRY_YYMMDD")
    p.set_defaults(func=cmd_bac_keys)

    p = sub.add_parser("pa", help="autenticación pasiva / passive authentication")
    _add_trust(p, required=True)
    p.add_argument("--sod", required=True)
    p.add_argument("--crl", action="append")
    p.add_argument("--mrz", action="append", metavar="LINE",
                   help="MRZ impresa para comparar con DG1 (una --mrz por línea) / printed MRZ, one --mrz per line")
    p.add_argument("dg_files", nargs="+", metavar="DG_FILE")
    p.set_defaults(func=cmd_pa)

    p = sub.add_parser("pki", help="PKI de prueba / test PKI")
    pki_sub = p.add_subparsers(dest="pki_command", required=True)
    init = pki_sub.add_parser("init", help="crear CSCA, DS y CRL / create CSCA, DS and CRL")
    init.add_argument("directory", metavar="DIR")
    init.add_argument("--country", default="PE")
    init.set_defaults(func=cmd_pki_init)

    p = sub.add_parser("personalize", help="imagen LDS firmada / signed LDS image")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--mrz", required=True, nargs="+", metavar="LINE")
    p.add_argument("--face", required=True, metavar="IMG")
    p.add_argument("--fingers", nargs="+", metavar="IMG", help="IMG o POS:IMG (código ISO 19794-4)")
    p.add_argument("--signature", metavar="IMG")
    p.add_argument("--pki", required=True, metavar="DIR")
    p.set_defaults(func=cmd_personalize)

    p = sub.add_parser("chip", help="servir una imagen LDS como tarjeta virtual / serve an LDS as a virtual card")
    p.add_argument("--lds", required=True, metavar="DIR")
    p.add_argument("--port", type=int, default=35963)
    p.add_argument("--host", default="127.0.0.1")
    p.set_defaults(func=cmd_chip)

    p = sub.add_parser("read", help="leer un chip por PC/SC / read a chip over PC/SC")
    p.add_argument("--reader", metavar="NAME")
    p.add_argument("--mrz", required=True, nargs="+", metavar="LINE")
    p.add_argument("--out", metavar="DIR")
    _add_trust(p, required=False)
    p.set_defaults(func=cmd_read)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except ReaderError as exc:
        _emit({"error": str(exc), "type": type(exc).__name__})
        return EXIT_ERROR
    except MRTDError as exc:
        # The document (or its MRZ, keys or files) is what is wrong: an invalid document.
        _emit({"error": str(exc), "type": type(exc).__name__})
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())

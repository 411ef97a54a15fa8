"""PACE against published values: ICAO 9303 Part 11 Appendix G.1 (ECDH Generic Mapping on
brainpoolP256r1, AES-128) step by step and as an APDU transcript, on both sides; a real
PACE-3DES exchange and real AES secure messaging. Where each value comes from:
mrtd/tests/data/pace/SOURCES.md."""

from mrtd.bac import mrz_information
from mrtd.cardaccess import PACE_ECDH_GM_3DES, PACE_ECDH_GM_AES_128, decode_card_access
from mrtd.chip import VirtualChip
from mrtd.curves import CURVES
from mrtd.lds import encode_dg1, encode_ef_com
from mrtd.mrz import generate_td3
from mrtd.pace import (
    PACEChip, PACETerminal, decode_point, encode_point, generic_mapping, kdf, mrz_password, multiply, pace_params,
    password_key, public_key_data, token_mac,
)
from mrtd.reader import _Session
from mrtd.sm import SecureMessaging

H = bytes.fromhex
BP256 = CURVES["brainpoolP256r1"]

# --- ICAO 9303 Part 11, Appendix G.1 ---------------------------------------------------------
G_CARD_ACCESS = H("31143012060A04007F0007020204020202010202010D")
G_MRZ_INFO = mrz_information("T22000129", "640812", "101031")
G_K = H("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD")  # f(pi) = SHA-1(MRZ information)
G_K_PI = H("89DED1B26624EC1E634C1989302849DD")
G_Z = H("95A3A016522EE98D01E76CB6B98B42C3")  # encrypted nonce
G_S = H("3F00C4D39D153F2B2A214A078D899B22")  # nonce
G_SK_MAP_IFD = H("7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99")
G_PK_MAP_IFD = H("047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
                 "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D")
G_SK_MAP_IC = H("498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560")
G_PK_MAP_IC = H("04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
                "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54")
G_H = H("0460332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5"
        "0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181")
G_MAPPED = H("048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2"
             "8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522")
G_SK_IFD = H("A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595")
G_PK_IFD = H("042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
             "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462")
G_SK_IC = H("107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A")
G_PK_IC = H("049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
            "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094")
G_SHARED = H("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
G_KS_ENC = H("F5F0E35C0D7161EE6724EE513A0D9A7F")
G_KS_MAC = H("FE251C7858B356B24514B3BD5F4297D1")
G_T_IFD = H("C2B0BD78D94BA866")
G_T_IC = H("3ABB9674BCE93C08")
# The APDUs of the example (command, response), MSE:Set AT without the optional 84.
G_TRANSCRIPT = [
    (H("0022C1A40F800A04007F00070202040202830101"), H("9000")),
    (H("10860000027C0000"), H("7C128010") + G_Z + H("9000")),
    (H("10860000457C438141") + G_PK_MAP_IFD + H("00"), H("7C438241") + G_PK_MAP_IC + H("9000")),
    (H("10860000457C438341") + G_PK_IFD + H("00"), H("7C438441") + G_PK_IC + H("9000")),
    (H("008600000C7C0A8508") + G_T_IFD + H("00"), H("7C0A8608") + G_T_IC + H("9000")),
]
G_MRZ = generate_td3(issuing_state="UTO", primary_identifier="EXAMPLE", secondary_identifier="G",
                     document_number="T22000129", nationality="UTO", birth_date="640812", sex="F",
                     expiry_date="101031")


def _replay(*values: bytes):
    queue = list(values)

    def rng(n: int) -> bytes:
        value = queue.pop(0)
        assert len(value) == n
        return value
    return rng


def _params():
    info = decode_card_access(G_CARD_ACCESS).pace[0]
    return pace_params(info.protocol, info.parameter_id)


def test_appendix_g_card_access_names_ecdh_gm_aes128_on_brainpool_p256():
    info = decode_card_access(G_CARD_ACCESS).pace[0]
    assert (info.protocol, info.version, info.parameter_id) == (PACE_ECDH_GM_AES_128, 2, 13)
    assert info.mapping == "ECDH-GM" and info.curve_name == "brainpoolP256r1"


def test_appendix_g_every_intermediate_value():
    params = _params()
    # password and nonce
    assert G_MRZ_INFO == "T22000129364081251010318"
    assert mrz_password(G_MRZ_INFO) == G_K
    assert password_key(params, G_K) == G_K_PI
    from mrtd.sm import aes_cbc
    assert aes_cbc(G_K_PI, G_Z, decrypt=True) == G_S
    assert aes_cbc(G_K_PI, G_S) == G_Z
    # mapping: both mapping keys, the ECDH point H from either side, then G' = s*G + H
    g = (BP256.gx, BP256.gy)
    sk_map_ifd, sk_map_ic = int.from_bytes(G_SK_MAP_IFD, "big"), int.from_bytes(G_SK_MAP_IC, "big")
    assert encode_point(BP256, multiply(BP256, sk_map_ifd, g)) == G_PK_MAP_IFD
    assert encode_point(BP256, multiply(BP256, sk_map_ic, g)) == G_PK_MAP_IC
    h_ifd = multiply(BP256, sk_map_ifd, decode_point(BP256, G_PK_MAP_IC, "PK_map,IC"))
    h_ic = multiply(BP256, sk_map_ic, decode_point(BP256, G_PK_MAP_IFD, "PK_map,IFD"))
    assert encode_point(BP256, h_ifd) == encode_point(BP256, h_ic) == G_H
    mapped = generic_mapping(BP256, G_S, h_ifd)
    assert encode_point(BP256, mapped) == G_MAPPED
    # key agreement on G'
    sk_ifd, sk_ic = int.from_bytes(G_SK_IFD, "big"), int.from_bytes(G_SK_IC, "big")
    assert encode_point(BP256, multiply(BP256, sk_ifd, mapped)) == G_PK_IFD
    assert encode_point(BP256, multiply(BP256, sk_ic, mapped)) == G_PK_IC
    shared = multiply(BP256, sk_ifd, decode_point(BP256, G_PK_IC, "PK_DH,IC"))
    assert shared == multiply(BP256, sk_ic, decode_point(BP256, G_PK_IFD, "PK_DH,IFD"))
    assert shared[0].to_bytes(32, "big") == G_SHARED
    # session keys and tokens over the public key data objects (7F49 { 06 OID, 86 point })
    assert kdf(G_SHARED, 1, "AES", 16) == G_KS_ENC
    assert kdf(G_SHARED, 2, "AES", 16) == G_KS_MAC
    assert public_key_data(params, G_PK_IC)[:15] == H("7F494F060A04007F00070202040202")
    assert token_mac(params, G_KS_MAC, public_key_data(params, G_PK_IC)) == G_T_IFD
    assert token_mac(params, G_KS_MAC, public_key_data(params, G_PK_IFD)) == G_T_IC


def test_appendix_g_terminal_and_chip_objects_match_step_by_step():
    params = _params()
    terminal = PACETerminal(params, G_K, rng=_replay(G_SK_MAP_IFD, G_SK_IFD))
    chip = PACEChip(decode_card_access(G_CARD_ACCESS).pace, {1: G_K}, rng=_replay(G_S, G_SK_MAP_IC, G_SK_IC))
    chip.mse_set_at(terminal.mse_set_at())
    command = terminal.step1()
    for (expected_command, expected_response), step in zip(
            G_TRANSCRIPT[1:], (terminal.step2, terminal.step3, terminal.step4, terminal.complete)):
        assert command == expected_command[5:-1]  # the data field: no header, Lc or Le
        response = chip.general_authenticate(command)
        assert response == expected_response[:-2]
        command = step(response)
    assert (command.ks_enc, command.ks_mac) == (G_KS_ENC, G_KS_MAC)
    assert (chip.result.ks_enc, chip.result.ks_mac) == (G_KS_ENC, G_KS_MAC)


class _Recorder:
    def __init__(self, chip: VirtualChip):
        self.chip, self.sent = chip, []

    def transmit(self, apdu: bytes) -> bytes:
        response = self.chip.transmit(apdu)
        self.sent.append((apdu, response))
        return response


def test_appendix_g_apdu_transcript_reader_against_virtual_chip_then_aes_reads():
    # Given a PACE-only virtual chip with the example's EF.CardAccess and its random numbers
    files = {"EF_COM": encode_ef_com(["DG1"]), "DG1": encode_dg1(G_MRZ)}
    chip = VirtualChip(files, mrz_info=G_MRZ_INFO, access="pace", pace_infos=decode_card_access(G_CARD_ACCESS).pace,
                       rng=_replay(G_S, G_SK_MAP_IC, G_SK_IC))
    assert chip.card_access == G_CARD_ACCESS
    recorder = _Recorder(chip)
    session = _Session(recorder)
    # when the reader runs PACE with the terminal's random numbers of the example
    session.pace(_params(), mrz_password(G_MRZ_INFO), rng=_replay(G_SK_MAP_IFD, G_SK_IFD))
    # then both sides wrote exactly the published APDUs
    assert recorder.sent[:5] == G_TRANSCRIPT
    # and secure messaging is AES with the example's keys and an SSC from zero
    assert (session.sm.cipher, session.sm.ks_enc, session.sm.ks_mac) == ("AES", G_KS_ENC, G_KS_MAC)
    assert session.sm.ssc == 2  # SELECT eMRTD and its answer
    assert recorder.sent[5][0][:4] == H("0CA4040C")
    # and the chip's files read back under it
    assert session.select(0x0101) == 0x9000
    assert session.read(0, 4) == encode_dg1(G_MRZ)[:4]


# --- a real PACE-3DES exchange (a New Zealand passport, recorded by gmrtd) -------------------
NZ_MRZ_INFO = mrz_information("LM277954", "781214", "271115")
NZ_TRANSCRIPT = [
    ("0022c1a40f800a04007f00070202040201830101", "9000"),
    ("10860000027c0000", "7c128010b88382812290017af1cc906ff00e7f4d9000"),
    ("10860000457c438141047706b2b6246ab4612229b8a11212ddba7fea0568c9c0975dee22c0e3dd3a3f0321e8afee836e373b570d2400"
     "0d56fb195104d486e63321ff8c819dd5ee018dcb00",
     "7c43824104780b4edec9b926f9f964fad826d9990a667608d96ba7b397ae8609b6533e0d036d148365ddf4e5ff6611c2b62aa17fc989"
     "9f327bc929db543e7abd0ee724e4be9000"),
    ("10860000457c43834104507a0156efae8fb8acc519036c0b2fe0393c878744c7f91878ee4e07a41412ba5c0753d68a44a91e9f57f3f9"
     "92ab689e6c2065d3b2a27c3658a4fd632931ee3800",
     "7c438441042dbaf62e6fdfb31eb66f206493b9e7721586f0e5c93754d7bd5a884ca251ee4d720ab539a60561bc46812fa289b58ac69f"
     "0c6e32adbaf7241049a31211f80f5b9000"),
    ("008600000c7c0a85088d7c617d43efe09e00", "7c0a8608cb57047c809079f69000"),
]
NZ_SK_MAP_IFD = H("2808272c0ec20e01a3450030ef32855e9feb5cb17719e985389b1cf47609e69f")
NZ_SK_IFD = H("8f89449052df6c7983750c7b042c3cea12b36819174424c7cd28153f7b70b402")


def test_real_pace_3des_exchange_terminal_side_and_keys():
    # Given the chip's EF.CardAccess (PACE-ECDH-GM-3DES on brainpoolP256r1) and the terminal's keys
    card_access = decode_card_access(H("31143012060a04007f0007020204020102010202010d"))
    params = pace_params(card_access.pace[0].protocol, card_access.pace[0].parameter_id)
    assert params.protocol == PACE_ECDH_GM_3DES and params.cipher == "3DES"
    terminal = PACETerminal(params, mrz_password(NZ_MRZ_INFO), rng=_replay(NZ_SK_MAP_IFD, NZ_SK_IFD))
    assert terminal.mse_set_at() == H(NZ_TRANSCRIPT[0][0])[5:]
    # when it answers the recorded chip, then it sends the recorded commands byte for byte
    command = terminal.step1()
    for (sent, answer), step in zip(NZ_TRANSCRIPT[1:], (terminal.step2, terminal.step3, terminal.step4,
                                                        terminal.complete)):
        assert command == H(sent)[5:-1]
        command = step(H(answer)[:-2])
    # and the chip's 3DES token verified, giving the recorded session keys
    assert command.ks_enc == H("430e4c8c38dfefaed92067b919a897f8")
    assert command.ks_mac == H("c1bc1f075797b970b5a45e64a764b0cb")
    assert command.secure_messaging().cipher == "3DES" and command.secure_messaging().ssc == 0


# --- real AES secure messaging after PACE (a German document, recorded by gmrtd) -------------
DE_KS_ENC, DE_KS_MAC = H("a8e85e938514ec67ae33cda3d43d3c48"), H("27f1adeb705a049a305b0c619b14b9b3")


def test_real_aes_secure_messaging_select_and_read_byte_for_byte():
    terminal = SecureMessaging(DE_KS_ENC, DE_KS_MAC, 0, cipher="AES")
    assert terminal.wrap_command(H("00a4020c02011d")) == H(
        "0ca4020c1d87110147ee2e3bd440fb596167f2bb6cd6395e8e08a105747484314bcf00")
    assert terminal.unwrap_response(H("990290008e085f570baddd1002d29000")) == H("9000")
    assert terminal.wrap_command(H("00b0000004")) == H("0cb000000d9701048e085d283ec183cbb99800")
    assert terminal.unwrap_response(
        H("871101d688d27a6d16f03619e76dcb59c1f1ec990290008e08b7df9a5982bb17299000")) == H("308207429000")
    # and the chip side reads the same bytes back to the same commands
    chip = SecureMessaging(DE_KS_ENC, DE_KS_MAC, 0, cipher="AES")
    assert chip.unwrap_command(H("0ca4020c1d87110147ee2e3bd440fb596167f2bb6cd6395e8e08a105747484314bcf00")) == \
        H("00a4020c02011d")
    assert chip.wrap_response(H("9000")) == H("990290008e085f570baddd1002d29000")


# --- ICAO 9303 Part 11, Appendix H.1: Integrated Mapping, brainpoolP256r1, AES-128, CAN 123456 --
IM_CAN = "123456"
IM_K_PI = H("591468CDA83D65219CCCB8560233600F")
IM_Z = H("143DC40C08C8E891FBED7DEDB92B64AD")
IM_S = H("2923BE84E16CD6AE529049F1F1BBE9EB")
IM_T = H("5DD4CBFC96F5453B130D890A1CDBAE32")  # the terminal's nonce
IM_R = H("E4447E2DFB3586BAC05DDB00156B57FBB2179A3949294C9725418980 0C517BAA8DA0FF397ED8C445D3E421E4FEB57322"
         .replace(" ", ""))
IM_RP = H("A2F8FF2DF50E52C6599F386ADCB595D229F6A167ADE2BE5F2C3296ADD5B7430E")
IM_MAPPED = H("048E82D31559ED0FDE92A4D0498ADD3C23BABA94FB77691E31E90AEA77FB17D427"
              "4C1AE14BD0C3DBAC0C871B7F3608169364437CA30AC243A089D3F266C1E60FAD")
IM_PK_IFD = H("0489CBA23FFE96AA18D824627C3E934E54A9FD0B87A95D1471DC1C0ABFDCD640D4"
              "6755DE9B7B778280B6BEBD57439ADFEB0E21FD4ED6DF42578C13418A59B34C37")
IM_PK_IC = H("0467F78E5F7F7686082B293E8D087E056916D0F74BC01A5F8957D0DE45691E51E8"
             "932B69A962B52A0985AD2C0A271EE6A13A8ADDDCD1A3A994B9DED257F4D22753")
IM_SHARED = H("4F150FDE1D4F0E38E95017B891BAE17133A0DF45B0D3E18B60BA7BEAFDC2C713")
IM_KS_ENC, IM_KS_MAC = H("0D3FEB33251A6370893D62AE8DAAF51B"), H("B01E89E3D9E8719E586B50B4A7506E0B")
IM_T_IFD, IM_T_IC = H("450F02B86F6A0909"), H("75D4D96E8D5B0308")


def test_appendix_h_integrated_mapping_every_intermediate_value():
    from mrtd.cardaccess import PACE_ECDH_IM_AES_128
    from mrtd.pace import can_password, integrated_mapping, point_encode, pseudo_random
    from mrtd.sm import aes_cbc
    params = pace_params(PACE_ECDH_IM_AES_128, 13)
    assert password_key(params, can_password(IM_CAN)) == IM_K_PI
    assert aes_cbc(IM_K_PI, IM_Z, decrypt=True) == IM_S
    assert IM_RP == (int.from_bytes(IM_R, "big") % BP256.p).to_bytes(32, "big")
    assert pseudo_random(params, IM_S, IM_T) == int.from_bytes(IM_RP, "big")
    assert encode_point(BP256, point_encode(BP256, int.from_bytes(IM_RP, "big"))) == IM_MAPPED
    mapped = integrated_mapping(params, IM_S, IM_T)
    assert encode_point(BP256, multiply(BP256, int.from_bytes(G_SK_IFD, "big"), mapped)) == IM_PK_IFD
    assert encode_point(BP256, multiply(BP256, int.from_bytes(G_SK_IC, "big"), mapped)) == IM_PK_IC
    shared = multiply(BP256, int.from_bytes(G_SK_IFD, "big"), decode_point(BP256, IM_PK_IC, "PK_DH,IC"))
    assert shared[0].to_bytes(32, "big") == IM_SHARED
    assert (kdf(IM_SHARED, 1, "AES", 16), kdf(IM_SHARED, 2, "AES", 16)) == (IM_KS_ENC, IM_KS_MAC)
    assert token_mac(params, IM_KS_MAC, public_key_data(params, IM_PK_IC)) == IM_T_IFD
    assert token_mac(params, IM_KS_MAC, public_key_data(params, IM_PK_IFD)) == IM_T_IC


def test_appendix_h_terminal_and_chip_exchange_the_published_objects():
    from mrtd.cardaccess import PACE_ECDH_IM_AES_128, PACEInfo
    from mrtd.pace import PASSWORD_CAN, can_password
    params = pace_params(PACE_ECDH_IM_AES_128, 13)
    # the chip's key is the one of the example (SK_IC of App. H.1 equals App. G.1's)
    chip = PACEChip([PACEInfo(PACE_ECDH_IM_AES_128, 2, 13)], {PASSWORD_CAN: can_password(IM_CAN)},
                    rng=_replay(IM_S, G_SK_IC))
    terminal = PACETerminal(params, can_password(IM_CAN), password_ref=PASSWORD_CAN, rng=_replay(IM_T, G_SK_IFD))
    chip.mse_set_at(terminal.mse_set_at())
    expected = [  # (terminal's command data, chip's response data)
        (H("7C00"), H("7C128010") + IM_Z),
        (H("7C128110") + IM_T, H("7C028200")),
        (H("7C438341") + IM_PK_IFD, H("7C438441") + IM_PK_IC),
        (H("7C0A8508") + IM_T_IFD, H("7C0A8608") + IM_T_IC),
    ]
    command = terminal.step1()
    for (sent, answer), step in zip(expected, (terminal.step2, terminal.step3, terminal.step4, terminal.complete)):
        assert command == sent
        response = chip.general_authenticate(command)
        assert response == answer
        command = step(response)
    assert (command.ks_enc, command.ks_mac) == (chip.result.ks_enc, chip.result.ks_mac) == (IM_KS_ENC, IM_KS_MAC)


def test_can_password_keys_for_aes_192_and_256_use_sha256():
    # K_pi for CAN 123456 with AES-192, as the AusweisApp test suite (Governikus) reproduces it
    from mrtd.pace import can_password
    k192 = kdf(can_password("123456"), 3, "AES", 24)
    assert k192 == H("8df3278fb32026e66277357fcd6c826dbeb3de32088b2531")
    assert kdf(can_password("123456"), 3, "AES", 32)[:24] == k192

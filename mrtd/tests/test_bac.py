"""BAC key derivation and mutual authentication against ICAO 9303 Part 11 Appendix D."""

import pytest

from mrtd.bac import BACChip, BACTerminal, adjust_parity, derive_keys, derive_keys_from_info
from mrtd.errors import BACError

H = bytes.fromhex
RND_IC, RND_IFD = H("4608F91988702212"), H("781723860C06C226")
K_IFD, K_IC = H("0B795240CB7049B01C19B33E32804F0B"), H("0B4F80323EB3191CB04970CB4052790B")
EXT_AUTH = H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7")
CHIP_RESP = H("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449")


def test_document_keys_match_icao_worked_example():
    keys = derive_keys("L898902C", "690806", "940623")
    assert keys.k_seed == H("239AB9CB282DAF66231DC5A4DF6BFBAE")
    assert keys.k_enc == H("AB94FDECF2674FDFB9B391F85D7F76F2")
    assert keys.k_mac == H("7962D9ECE03D1ACD4C76089DCE131543")
    assert keys == derive_keys_from_info("L898902C<369080619406236")


def test_parity_adjustment_gives_odd_parity_bytes():
    adjusted = adjust_parity(bytes(range(256)))
    assert all(bin(b).count("1") % 2 == 1 for b in adjusted)


def test_terminal_side_reproduces_icao_exchange_and_session_keys():
    terminal = BACTerminal(derive_keys("L898902C", "690806", "940623"))
    assert terminal.external_authenticate_data(RND_IC, rnd_ifd=RND_IFD, k_ifd=K_IFD) == EXT_AUTH
    session = terminal.complete(CHIP_RESP)
    assert session.ks_enc == H("979EC13B1CBFE9DCD01AB0FED307EAE5")
    assert session.ks_mac == H("F1CB1F1FB5ADF208806B89DC579DC1F8")
    assert session.ssc == H("887022120C06C226")


def test_chip_side_answers_with_icao_response():
    chip = BACChip(derive_keys("L898902C", "690806", "940623"))
    chip.get_challenge(RND_IC)
    response, session = chip.external_authenticate(EXT_AUTH, k_ic=K_IC)
    assert response == CHIP_RESP
    assert session.ssc == H("887022120C06C226")


def test_wrong_mrz_is_refused_by_the_chip():
    chip = BACChip(derive_keys("L898902C", "690806", "940623"))
    rnd_ic = chip.get_challenge()
    wrong = BACTerminal(derive_keys("L898902C", "690806", "940624"))
    with pytest.raises(BACError, match="MAC"):
        chip.external_authenticate(wrong.external_authenticate_data(rnd_ic))


def test_replayed_authentication_is_refused():
    keys = derive_keys("L898902C", "690806", "940623")
    chip, terminal = BACChip(keys), BACTerminal(keys)
    data = terminal.external_authenticate_data(chip.get_challenge())
    chip.external_authenticate(data)
    with pytest.raises(BACError):
        chip.external_authenticate(data)  # the challenge serves once


def test_terminal_refuses_a_chip_that_does_not_echo_its_nonce():
    keys = derive_keys("L898902C", "690806", "940623")
    chip, terminal = BACChip(keys), BACTerminal(keys)
    chip.get_challenge(RND_IC)
    response, _ = chip.external_authenticate(EXT_AUTH, k_ic=K_IC)
    terminal.external_authenticate_data(RND_IC)  # fresh RND.IFD: the recorded answer no longer fits
    with pytest.raises(BACError):
        terminal.complete(response)

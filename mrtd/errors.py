"""Typed errors of the mrtd library; every parser and protocol step raises one of these."""


class MRTDError(Exception):
    """Base of every error raised by mrtd."""


class MRZError(MRTDError):
    """An MRZ that cannot be parsed at all (wrong line count or length, bad characters)."""


class TLVError(MRTDError, ValueError):
    """Bytes that are not well-formed BER-TLV."""


class LDSError(MRTDError, ValueError):
    """A data group or EF.COM / EF.SOD that cannot be decoded."""


class PKIError(MRTDError):
    """A certificate, key, CRL or master list that cannot be loaded or used."""


class PKIUnsupported(PKIError):
    """Well-formed, but an algorithm, curve or key type this library does not implement."""


class BACError(MRTDError):
    """Basic access control failed (usually a wrong MRZ)."""


class SMError(MRTDError):
    """Secure messaging failed: bad MAC, bad padding, unexpected objects, an unprotected reply.

    ``sw`` is the status word of a reply that came without secure messaging, when that was the fault.
    """

    def __init__(self, message: str, sw: int | None = None):
        super().__init__(message)
        self.sw = sw


class CardError(MRTDError):
    """The card answered with an error status word."""

    def __init__(self, message: str, sw: int | None = None):
        super().__init__(message)
        self.sw = sw


class ReaderError(MRTDError):
    """No reader, no card, a removed card or a silent card."""


class VDSError(MRTDError):
    """A visible digital seal that cannot be decoded or verified."""


class CardAccessError(LDSError):
    """EF.CardAccess (SecurityInfos) that cannot be decoded; the message names the structure."""


class PACEError(MRTDError):
    """PACE failed: an unsupported parameter set, a malformed GENERAL AUTHENTICATE, a bad point.

    ``sw`` is the status word the chip answered (terminal side) or must answer (chip side).
    """

    def __init__(self, message: str, sw: int | None = None):
        super().__init__(message)
        self.sw = sw


class PACEAuthenticationError(PACEError):
    """An authentication token did not verify: almost always a wrong MRZ or CAN."""


class AAError(MRTDError):
    """Active Authentication could not be run or its answer is malformed; the subclasses name the
    structure. ``sw`` is the status word the chip answered (terminal side) or must answer (chip side).
    A well-formed answer that does not verify is not an error: it is an AAResult that failed."""

    def __init__(self, message: str, sw: int | None = None):
        super().__init__(message)
        self.sw = sw


class AAKeyError(AAError):
    """DG15 holds no usable key, or a key type the signature does not fit (RSA answer, EC key)."""


class AALengthError(AAError):
    """The challenge or the chip's signature has the wrong length for the key."""


class AATrailerError(AAError):
    """ISO/IEC 9796-2: the recovered message's trailer is neither BC nor a known hash identifier + CC."""


class AAPaddingError(AAError):
    """ISO/IEC 9796-2: the recovered message's header or padding is not that of scheme 1 (partial recovery)."""


class SecurityInfosError(LDSError):
    """DG14 (SecurityInfos for Chip and Active Authentication) that cannot be decoded."""


class CAError(MRTDError):
    """Chip Authentication failed: nothing usable in DG14, a refused MSE or GENERAL AUTHENTICATE, a bad key.

    ``sw`` is the status word the chip answered (terminal side) or must answer (chip side).
    """

    def __init__(self, message: str, sw: int | None = None):
        super().__init__(message)
        self.sw = sw

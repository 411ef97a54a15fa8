"""ICAO 9303 library of the portal: MRZ, BAC and secure messaging, LDS, PKI and passive
authentication, visible digital seals, a virtual chip and a PC/SC reader. No Django here."""

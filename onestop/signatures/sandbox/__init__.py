"""Local stand-ins for the outside services a signature needs, labelled SANDBOX.

- `tsa.TimestampServer`: an RFC 3161 time-stamping authority over HTTP. The token is made by
  pyHanko's own DummyTimeStamper (pyHanko's test TSA: a real RFC 3161 TimeStampResp signed
  with a demo TSA certificate); this module only puts it behind HTTP.
- `csc.RemoteSigningServer`: a remote signing service implementing the Cloud Signature
  Consortium API v1.0.4 (`info`, `credentials/list`, `credentials/info`,
  `credentials/authorize`, `signatures/signHash`) over HTTPS, holding its keys in PKCS#12
  files of its own.

Both are real servers on 127.0.0.1 that the tests and `onestop signatures sandbox` start;
neither is a real CA service, and both say so in their answers.
"""

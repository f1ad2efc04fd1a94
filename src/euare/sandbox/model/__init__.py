"""The sandbox's model of IAM: a WSGI layer in front of moto's server that answers as IAM does
wherever moto does not (docs/sandbox.md lists each rule, the IAM behaviour it follows and the
test that holds it). ``app`` is the layer; the rules are one module each (``conflicts``,
``pages``, ``boundaries``, ``moves``, ``tags``, ``servicecreds``, ``passwords``, ``extras``,
``simulate``, ``auth``, ``unsupported``), over ``wire`` (IAM's wire format), ``upstream``
(moto, called in-process), ``state`` (what the model keeps) and ``directory`` (the account's
policies)."""

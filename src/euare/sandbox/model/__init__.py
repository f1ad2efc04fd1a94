"""The sandbox's model of IAM: a WSGI layer in front of moto's server that answers as IAM does
wherever moto does not (docs/sandbox.md lists each rule, the IAM behaviour it follows and the
test that holds it). ``app`` is the layer; the rules are one module each (``conflicts``,
``pages``, ``boundaries``, ``moves``, ``tags``, ``servicecreds``, ``passwords``, ``extras``,
``simulate``, ``auth``, ``organizations``, ``unsupported``), over ``wire`` (IAM's wire
format), ``upstream`` (moto, called in-process), ``context`` (the accounts served, each with
its own state), ``state`` (what the model keeps of an account) and ``directory`` (an account's
policies)."""

"""Operations that several verb families share: recursive deletion, finding what a create made,
access-key helpers, the rotation engine. Imports euare.call and below."""

"""The credential loader: precedence, file formats, malformed files, endpoint, region, warnings.

Every test builds its own HOME under ``tmp_path`` and passes the environment as a dictionary, so
nothing here depends on the machine's own environment or home directory.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from euare.core.errors import EuareError
from euare.core.eucarc import MAX_EUCARC_EXPANSION, MAX_VALUE_EXPANSION
from euare.core.settings import (
    DEFAULT_REGION,
    MAX_FILE_BYTES,
    Flags,
    LoaderError,
    Settings,
    expand,
    load,
    parse_eucarc,
    parse_iamrc,
    read_text,
)
from tests.conftest import budget

# --------------------------------------------------------------------------------------------
# helpers


def put(path: Path, data: str | bytes, mode: int = 0o600) -> Path:
    """Write ``data`` to ``path`` (bytes verbatim, text as UTF-8 without newline translation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    path.chmod(mode)
    return path


def iamrc_text(key: str, secret: str, newline: str = "\n") -> str:
    return f"AWSAccessKeyId={key}{newline}AWSSecretKey={secret}{newline}"


def env_creds(key: str, secret: str, token: str | None = None) -> dict[str, str]:
    env = {"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret}
    if token is not None:
        env["AWS_SESSION_TOKEN"] = token
    return env


def eucarc_creds(key: str, secret: str) -> str:
    return f"export EC2_ACCESS_KEY={key}\nexport EC2_SECRET_KEY={secret}\n"


def assert_one_line(err: BaseException, *must_contain: str) -> None:
    message = str(err)
    assert message, "the error has no message"
    assert "\n" not in message and "\r" not in message, message
    for part in must_contain:
        assert part in message, (part, message)


# --------------------------------------------------------------------------------------------
# credentials: each step beats the next


def test_flags_beat_every_other_source(tmp_path: Path) -> None:
    put(tmp_path / ".iamrc", iamrc_text("AKIDIAMRC", "secret-iamrc"))
    put(tmp_path / ".eucarc", eucarc_creds("AKIDEUCARC", "secret-eucarc"))
    flags = Flags(access_key_id="AKIDFLAG", secret_key="secret-flag", security_token="tok-flag")
    found = load(flags, env_creds("AKIDENV", "secret-env", "tok-env"), tmp_path)
    assert (found.access_key_id, found.secret_key, found.token) == (
        "AKIDFLAG",
        "secret-flag",
        "tok-flag",
    )
    assert found.sources["credentials"] == "command line (-I/-S)"
    assert found.has_credentials


def test_environment_token_is_not_paired_with_flag_keys(tmp_path: Path) -> None:
    flags = Flags(access_key_id="AKIDFLAG", secret_key="secret-flag")
    found = load(flags, env_creds("AKIDENV", "secret-env", "tok-env"), tmp_path)
    assert found.access_key_id == "AKIDFLAG"
    assert found.token is None


@pytest.mark.parametrize(
    ("flags", "missing"),
    [
        (Flags(access_key_id="AKIDONLY"), "-S"),
        (Flags(secret_key="secret-only"), "-I"),
        (Flags(access_key_id="AKIDONLY", security_token="tok"), "-S"),
    ],
)
def test_only_one_of_i_and_s_is_an_error(tmp_path: Path, flags: Flags, missing: str) -> None:
    """Even when the environment could complete the pair, half a pair of flags is refused."""
    with pytest.raises(EuareError) as caught:
        load(flags, env_creds("AKIDENV", "secret-env"), tmp_path)
    assert_one_line(caught.value, missing)


def test_environment_beats_credential_file(tmp_path: Path) -> None:
    named = put(tmp_path / "named.iamrc", iamrc_text("AKIDNAMED", "secret-named"))
    put(tmp_path / ".iamrc", iamrc_text("AKIDIAMRC", "secret-iamrc"))
    env = {**env_creds("AKIDENV", "secret-env", "tok-env"), "AWS_CREDENTIAL_FILE": str(named)}
    found = load(Flags(), env, tmp_path)
    assert (found.access_key_id, found.secret_key, found.token) == (
        "AKIDENV",
        "secret-env",
        "tok-env",
    )
    assert found.sources["credentials"] == "environment AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"


@pytest.mark.parametrize("key_var", ["AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "EC2_ACCESS_KEY"])
@pytest.mark.parametrize(
    "secret_var", ["AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "EC2_SECRET_KEY"]
)
def test_every_environment_variable_name_is_accepted(
    tmp_path: Path, key_var: str, secret_var: str
) -> None:
    env = {key_var: f"AKID-{key_var}", secret_var: f"secret-{secret_var}"}
    found = load(Flags(), env, tmp_path)
    assert found.access_key_id == f"AKID-{key_var}"
    assert found.secret_key == f"secret-{secret_var}"
    assert found.sources["credentials"] == f"environment {key_var}/{secret_var}"


def test_environment_variable_names_are_tried_in_order(tmp_path: Path) -> None:
    env = {
        "EC2_ACCESS_KEY": "AKID-EC2",
        "AWS_ACCESS_KEY": "AKID-AWS-OLD",
        "AWS_ACCESS_KEY_ID": "AKID-AWS",
        "EC2_SECRET_KEY": "secret-ec2",
        "AWS_SECRET_KEY": "secret-aws-old",
        "AWS_SECRET_ACCESS_KEY": "secret-aws",
        "AWS_SECURITY_TOKEN": "tok-security",
        "AWS_SESSION_TOKEN": "tok-session",
    }
    found = load(Flags(), env, tmp_path)
    assert (found.access_key_id, found.secret_key, found.token) == (
        "AKID-AWS",
        "secret-aws",
        "tok-session",
    )
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"]
    found = load(Flags(), env, tmp_path)
    assert (found.access_key_id, found.secret_key, found.token) == (
        "AKID-AWS-OLD",
        "secret-aws-old",
        "tok-security",
    )


def test_named_credential_file_beats_default_iamrc(tmp_path: Path) -> None:
    named = put(tmp_path / "creds" / "admin.iamrc", iamrc_text("AKIDNAMED", "secret-named"))
    put(tmp_path / ".iamrc", iamrc_text("AKIDIAMRC", "secret-iamrc"))
    found = load(Flags(), {"AWS_CREDENTIAL_FILE": str(named)}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDNAMED", "secret-named")
    assert found.sources["credentials"] == f"{named} (named by AWS_CREDENTIAL_FILE)"
    assert found.credential_file == named


@pytest.mark.parametrize(
    "spelling", ["~/creds/x.iamrc", "$HOME/creds/x.iamrc", "${HOME}/creds/x.iamrc"]
)
def test_named_credential_file_is_expanded(tmp_path: Path, spelling: str) -> None:
    named = put(tmp_path / "creds" / "x.iamrc", iamrc_text("AKIDEXPANDED", "secret-expanded"))
    env = {"AWS_CREDENTIAL_FILE": spelling, "HOME": str(tmp_path)}
    found = load(Flags(), env, tmp_path)
    assert found.access_key_id == "AKIDEXPANDED"
    assert found.credential_file == named


def test_default_iamrc_beats_eucarc(tmp_path: Path) -> None:
    iamrc = put(tmp_path / ".iamrc", iamrc_text("AKIDIAMRC", "secret-iamrc"))
    put(tmp_path / ".eucarc", eucarc_creds("AKIDEUCARC", "secret-eucarc"))
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDIAMRC", "secret-iamrc")
    assert found.sources["credentials"] == f"{iamrc} (named by default)"
    assert found.credential_file == iamrc


def test_eucarc_variables_beat_the_file_the_eucarc_names(tmp_path: Path) -> None:
    other = put(tmp_path / "other.iamrc", iamrc_text("AKIDOTHER", "secret-other"))
    eucarc = put(
        tmp_path / ".eucarc",
        eucarc_creds("AKIDEUCARC", "secret-eucarc") + f"export AWS_CREDENTIAL_FILE={other}\n",
    )
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDEUCARC", "secret-eucarc")
    assert found.sources["credentials"] == f"{eucarc} EC2_ACCESS_KEY/EC2_SECRET_KEY"


def test_file_named_by_eucarc_is_the_last_resort(tmp_path: Path) -> None:
    other = put(tmp_path / "keys" / "admin.iamrc", iamrc_text("AKIDOTHER", "secret-other"))
    eucarc = put(tmp_path / ".eucarc", "export AWS_CREDENTIAL_FILE=~/keys/admin.iamrc\n")
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDOTHER", "secret-other")
    assert found.sources["credentials"] == f"{other} (named by {eucarc})"
    assert found.credential_file == other
    assert f"{other} ({eucarc})" in found.looked_at


def test_nothing_found_leaves_credentials_to_boto3_and_says_where_it_looked(
    tmp_path: Path,
) -> None:
    found = load(Flags(), {}, tmp_path)
    assert found.access_key_id is None and found.secret_key is None and found.token is None
    assert not found.has_credentials
    assert "credentials" not in found.sources
    assert found.looked_at == [
        "-I/-S options",
        "environment (AWS_ACCESS_KEY_ID, AWS_ACCESS_KEY, EC2_ACCESS_KEY)",
        f"{tmp_path / '.iamrc'} (default)",
        f"{tmp_path / '.eucarc'}",
    ]
    assert found.credential_file is None
    assert found.warnings == []


def test_looked_at_names_the_credential_file_from_the_environment(tmp_path: Path) -> None:
    named = put(tmp_path / "empty.iamrc", "# no keys here\n")
    found = load(Flags(), {"AWS_CREDENTIAL_FILE": str(named)}, tmp_path)
    assert found.access_key_id is None
    assert f"{named} (AWS_CREDENTIAL_FILE)" in found.looked_at
    assert f"{tmp_path / '.iamrc'} (default)" not in found.looked_at


def test_home_defaults_to_the_environments_home(tmp_path: Path) -> None:
    put(tmp_path / ".iamrc", iamrc_text("AKIDHOME", "secret-home"))
    found = load(Flags(), {"HOME": str(tmp_path)})
    assert found.access_key_id == "AKIDHOME"
    assert found.credential_file == tmp_path / ".iamrc"


# --------------------------------------------------------------------------------------------
# incomplete sources and empty variables


def test_incomplete_environment_is_skipped_whole(tmp_path: Path) -> None:
    put(tmp_path / ".iamrc", iamrc_text("AKIDIAMRC", "secret-iamrc"))
    env = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SESSION_TOKEN": "tok-env"}
    found = load(Flags(), env, tmp_path)
    assert (found.access_key_id, found.secret_key, found.token) == (
        "AKIDIAMRC",
        "secret-iamrc",
        None,
    )


def test_secret_without_key_in_environment_is_skipped(tmp_path: Path) -> None:
    put(tmp_path / ".iamrc", iamrc_text("AKIDIAMRC", "secret-iamrc"))
    found = load(Flags(), {"EC2_SECRET_KEY": "secret-env"}, tmp_path)
    assert found.secret_key == "secret-iamrc"


def test_incomplete_credential_file_is_skipped_whole(tmp_path: Path) -> None:
    put(tmp_path / ".iamrc", "AWSAccessKeyId=AKIDHALF\n")
    put(tmp_path / ".eucarc", eucarc_creds("AKIDEUCARC", "secret-eucarc"))
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDEUCARC", "secret-eucarc")


def test_incomplete_eucarc_variables_fall_through_to_its_file(tmp_path: Path) -> None:
    other = put(tmp_path / "other.iamrc", iamrc_text("AKIDOTHER", "secret-other"))
    put(
        tmp_path / ".eucarc",
        f"export EC2_ACCESS_KEY=AKIDHALF\nexport AWS_CREDENTIAL_FILE={other}\n",
    )
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDOTHER", "secret-other")


def test_incomplete_everything_gives_no_credentials(tmp_path: Path) -> None:
    put(tmp_path / ".iamrc", "AWSSecretKey=secret-half\n")
    put(tmp_path / ".eucarc", "export AWS_ACCESS_KEY=AKIDHALF\n")
    found = load(Flags(), {"AWS_ACCESS_KEY_ID": "AKIDENVHALF"}, tmp_path)
    assert found.access_key_id is None and found.secret_key is None


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_empty_environment_variables_count_as_unset(tmp_path: Path, blank: str) -> None:
    put(tmp_path / ".iamrc", iamrc_text("AKIDIAMRC", "secret-iamrc"))
    env = {
        "AWS_ACCESS_KEY_ID": blank,
        "AWS_SECRET_ACCESS_KEY": blank,
        "AWS_SESSION_TOKEN": blank,
        "AWS_CREDENTIAL_FILE": blank,
        "EUARE_URL": blank,
        "EUCA_DEFAULT_REGION": blank,
    }
    found = load(Flags(), env, tmp_path)
    assert found.access_key_id == "AKIDIAMRC"
    assert found.token is None
    assert found.endpoint is None and found.sources["endpoint"] == "AWS default"
    assert found.region == DEFAULT_REGION


def test_empty_variable_lets_the_next_name_answer(tmp_path: Path) -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "",
        "AWS_ACCESS_KEY": "AKIDSECOND",
        "AWS_SECRET_ACCESS_KEY": "",
        "EC2_SECRET_KEY": "secret-third",
        "EUARE_URL": "",
        "AWS_IAM_URL": "https://iam.second.example/",
        "EUCA_DEFAULT_REGION": "",
        "AWS_DEFAULT_REGION": "region-second",
    }
    found = load(Flags(), env, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDSECOND", "secret-third")
    assert found.endpoint == "https://iam.second.example/"
    assert found.region == "region-second"


def test_empty_keys_in_iamrc_count_as_unset(tmp_path: Path) -> None:
    put(tmp_path / ".iamrc", "AWSAccessKeyId=\nAWSSecretKey=   \n")
    put(tmp_path / ".eucarc", eucarc_creds("AKIDEUCARC", "secret-eucarc"))
    found = load(Flags(), {}, tmp_path)
    assert found.access_key_id == "AKIDEUCARC"


def test_values_are_stripped(tmp_path: Path) -> None:
    found = load(Flags(), env_creds("  AKIDPADDED ", "\tsecret-padded  "), tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDPADDED", "secret-padded")


# --------------------------------------------------------------------------------------------
# the eucarcs people really have

PRIMER_EUCARC = """\
# ~/.eucarc, as the Eucalyptus primer sets it up.
# Credentials live in the iamrc; this file says where the cloud is.

export AWS_DEFAULT_REGION=eucalyptus
export EC2_URL=https://ec2.cloud.example.com/
export S3_URL=https://s3.cloud.example.com/
export EUARE_URL=https://euare.cloud.example.com/
export TOKEN_URL=https://tokens.cloud.example.com/
export AWS_CREDENTIAL_FILE={credential_file}

# euca2ools 2 and the EC2 API tools want these two:
export EC2_ACCESS_KEY=$AWSAccessKeyId
export EC2_SECRET_KEY=$AWSSecretKey
"""


def test_primer_eucarc_with_default_iamrc(tmp_path: Path) -> None:
    iamrc = put(tmp_path / ".iamrc", iamrc_text("AKIDPRIMER", "secret-primer"))
    eucarc = put(tmp_path / ".eucarc", PRIMER_EUCARC.format(credential_file="~/.iamrc"))
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDPRIMER", "secret-primer")
    assert found.sources["credentials"] == f"{iamrc} (named by default)"
    assert found.endpoint == "https://euare.cloud.example.com/"
    assert found.sources["endpoint"] == f"{eucarc} EUARE_URL"
    assert found.region == "eucalyptus"
    assert found.sources["region"] == f"{eucarc} AWS_DEFAULT_REGION"
    sts = load(Flags(), {}, tmp_path, service="sts")
    assert sts.endpoint == "https://tokens.cloud.example.com/"
    assert sts.sources["endpoint"] == f"{eucarc} TOKEN_URL"


def test_primer_eucarc_follows_its_credential_file(tmp_path: Path) -> None:
    """The eucarc's empty EC2_ACCESS_KEY=$AWSAccessKeyId is unset, so its file is used."""
    creds = put(tmp_path / ".euca" / "admin.iamrc", iamrc_text("AKIDADMIN", "secret-admin"))
    eucarc = put(tmp_path / ".eucarc", PRIMER_EUCARC.format(credential_file="~/.euca/admin.iamrc"))
    parsed = parse_eucarc(eucarc.read_text(), eucarc, {}, tmp_path)
    assert parsed["EC2_ACCESS_KEY"] == "" and parsed["EC2_SECRET_KEY"] == ""
    assert parsed["AWS_CREDENTIAL_FILE"] == str(creds)
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDADMIN", "secret-admin")
    assert found.sources["credentials"] == f"{creds} (named by {eucarc})"
    assert found.credential_file == creds


def test_primer_eucarc_expands_variables_from_the_environment(tmp_path: Path) -> None:
    """A shell that had sourced the iamrc first would see these; so does the loader."""
    put(tmp_path / ".eucarc", PRIMER_EUCARC.format(credential_file="~/nowhere"))
    env = {"AWSAccessKeyId": "AKIDSOURCED", "AWSSecretKey": "secret-sourced"}
    found = load(Flags(), env, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDSOURCED", "secret-sourced")


EUCALYPTUS_EUCARC = """\
EUCA_KEY_DIR=$(cd $(dirname ${BASH_SOURCE:-$0}); pwd -P)
export EC2_URL=http://10.111.5.150:8773/services/compute
export S3_URL=http://10.111.5.150:8773/services/objectstorage
export EUARE_URL=http://10.111.5.150:8773/services/Euare
export TOKEN_URL=http://10.111.5.150:8773/services/Tokens
export AWS_AUTO_SCALING_URL=http://10.111.5.150:8773/services/AutoScaling
export EUSTORE_URL=http://emis.eucalyptus.com/
export EC2_PRIVATE_KEY=${EUCA_KEY_DIR}/euca2-admin-6c3e4a2b-pk.pem
export EC2_CERT=${EUCA_KEY_DIR}/euca2-admin-6c3e4a2b-cert.pem
export EC2_JVM_ARGS=-Djavax.net.ssl.trustStore=${EUCA_KEY_DIR}/jssecacerts
export EUCALYPTUS_CERT=${EUCA_KEY_DIR}/cloud-cert.pem
export EC2_ACCOUNT_NUMBER='000000000000'
{inline_keys}export AWS_CREDENTIAL_FILE=${EUCA_KEY_DIR}/iamrc
alias ec2-bundle-image="ec2-bundle-image --cert ${EC2_CERT} --privatekey ${EC2_PRIVATE_KEY} \
--user ${EC2_ACCOUNT_NUMBER} --ec2cert ${EUCALYPTUS_CERT}"
alias ec2-upload-bundle="ec2-upload-bundle -a ${EC2_ACCESS_KEY} -s ${EC2_SECRET_KEY} \
--url ${S3_URL}"
export EC2_USER_ID='000000000000'
"""


def make_key_dir(tmp_path: Path, inline_keys: str = "") -> Path:
    keys = tmp_path / ".euca" / "admin"
    put(keys / "iamrc", iamrc_text("AKIDKEYDIR", "secret-keydir"))
    put(keys / "eucarc", EUCALYPTUS_EUCARC.replace("{inline_keys}", inline_keys))
    return keys


def test_eucalyptus_eucarc_symlinked_resolves_its_own_directory(tmp_path: Path) -> None:
    keys = make_key_dir(tmp_path)
    (tmp_path / ".eucarc").symlink_to(keys / "eucarc")
    eucarc = tmp_path / ".eucarc"
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDKEYDIR", "secret-keydir")
    assert found.sources["credentials"] == f"{keys / 'iamrc'} (named by {eucarc})"
    assert found.credential_file == keys / "iamrc"
    assert found.endpoint == "http://10.111.5.150:8773/services/Euare"
    sts = load(Flags(), {}, tmp_path, service="sts")
    assert sts.endpoint == "http://10.111.5.150:8773/services/Tokens"


def test_eucalyptus_eucarc_in_home_resolves_to_home(tmp_path: Path) -> None:
    keys = make_key_dir(tmp_path)
    shutil.copy(keys / "eucarc", tmp_path / ".eucarc")
    put(tmp_path / "iamrc", iamrc_text("AKIDBESIDE", "secret-beside"))
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDBESIDE", "secret-beside")
    assert found.credential_file == tmp_path / "iamrc"


def test_eucalyptus_eucarc_is_parsed_as_data(tmp_path: Path) -> None:
    keys = make_key_dir(tmp_path)
    eucarc = keys / "eucarc"
    parsed = parse_eucarc(eucarc.read_text(), eucarc, {}, tmp_path)
    assert parsed["EUCA_KEY_DIR"] == str(keys.resolve())
    assert parsed["AWS_CREDENTIAL_FILE"] == f"{keys.resolve()}/iamrc"
    assert parsed["EC2_CERT"] == f"{keys.resolve()}/euca2-admin-6c3e4a2b-cert.pem"
    assert parsed["EC2_JVM_ARGS"] == f"-Djavax.net.ssl.trustStore={keys.resolve()}/jssecacerts"
    assert parsed["EC2_ACCOUNT_NUMBER"] == "000000000000"
    # the alias lines are not assignments; the line after them still is
    assert parsed["EC2_USER_ID"] == "000000000000"
    assert not any("alias" in name or "bundle" in name for name in parsed)


def test_eucalyptus_eucarc_inline_keys_beat_its_iamrc(tmp_path: Path) -> None:
    inline = (
        "export EC2_ACCESS_KEY='AKIDINLINE'\n"
        "export EC2_SECRET_KEY='secret-inline'\n"
        "export AWS_ACCESS_KEY='AKIDINLINE'\n"
        "export AWS_SECRET_KEY='secret-inline'\n"
    )
    keys = make_key_dir(tmp_path, inline)
    (tmp_path / ".eucarc").symlink_to(keys / "eucarc")
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDINLINE", "secret-inline")
    assert found.sources["credentials"] == (f"{tmp_path / '.eucarc'} AWS_ACCESS_KEY/AWS_SECRET_KEY")


@pytest.mark.parametrize(
    "idiom",
    [
        "$(cd $(dirname ${BASH_SOURCE:-$0}); pwd -P)",
        "$(cd $(dirname ${BASH_SOURCE:-$0}); pwd)",
        '$(cd "$(dirname "${BASH_SOURCE[0]}")"; pwd -P)',
    ],
)
def test_self_directory_idiom_spellings(tmp_path: Path, idiom: str) -> None:
    eucarc = put(tmp_path / "deep" / "eucarc", f"DIR={idiom}\nexport F=$DIR/iamrc\n")
    parsed = parse_eucarc(eucarc.read_text(), eucarc, {}, tmp_path)
    assert parsed["F"] == f"{(tmp_path / 'deep').resolve()}/iamrc"


def test_eucarc_command_substitutions_never_run(tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    text = (
        f"export EC2_ACCESS_KEY=$(touch {marks}/one; echo AKIDRAN)\n"
        f"export EC2_SECRET_KEY=`touch {marks}/two; echo secret-ran`\n"
        f'export EUARE_URL="$(touch {marks}/three)http://ran.example/"\n'
        f"export AWS_CREDENTIAL_FILE=$(touch {marks}/four; echo /etc/passwd)\n"
        f"export AWS_DEFAULT_REGION=${{X:-$(touch {marks}/five)}}\n"
        f"TOUCHED=`touch {marks}/six`\n"
    )
    put(tmp_path / ".eucarc", text)
    found = load(Flags(), {}, tmp_path)
    assert sorted(p.name for p in marks.iterdir()) == []
    assert found.access_key_id is None and found.secret_key is None
    assert found.endpoint is None
    assert "TOUCHED" not in parse_eucarc(text, tmp_path / ".eucarc", {}, tmp_path)
    assert f"/etc/passwd ({tmp_path / '.eucarc'})" not in found.looked_at

    # Control: the same file, sourced by a real shell, does create the markers.
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash to show that the file would have run commands")
    subprocess.run(
        [bash, "-c", ". ~/.eucarc"],
        env={"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        check=False,
        capture_output=True,
    )
    assert {p.name for p in marks.iterdir()} >= {"one", "two", "three", "four", "five", "six"}


def test_eucarc_variables_expand_from_earlier_lines_and_environment(tmp_path: Path) -> None:
    text = (
        "export BASE=https://cloud.example\n"
        "export EUARE_URL=${BASE}/iam/\n"
        "export TOKEN_URL=$BASE/sts/\n"
        "export AWS_DEFAULT_REGION=${REGION_FROM_ENV:-fallback}\n"
        "export EC2_ACCESS_KEY=$ENV_KEY\n"
        "export EC2_SECRET_KEY=${ENV_SECRET}\n"
    )
    put(tmp_path / ".eucarc", text)
    env = {"ENV_KEY": "AKIDFROMENV", "ENV_SECRET": "secret-from-env"}
    found = load(Flags(), env, tmp_path)
    assert found.endpoint == "https://cloud.example/iam/"
    assert load(Flags(), env, tmp_path, service="sts").endpoint == "https://cloud.example/sts/"
    assert found.region == "fallback"
    assert (found.access_key_id, found.secret_key) == ("AKIDFROMENV", "secret-from-env")
    found = load(Flags(), {**env, "REGION_FROM_ENV": "region-env"}, tmp_path)
    assert found.region == "region-env"


def test_eucarc_with_crlf_line_endings(tmp_path: Path) -> None:
    text = "# windows\r\nexport EC2_ACCESS_KEY=AKIDCRLF\r\nexport EC2_SECRET_KEY=secret-crlf\r\n"
    text += "export EUARE_URL=https://crlf.example/\r\n"
    put(tmp_path / ".eucarc", text)
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDCRLF", "secret-crlf")
    assert found.endpoint == "https://crlf.example/"


# --------------------------------------------------------------------------------------------
# the iamrc format


def test_iamrc_comments_blank_lines_crlf_and_spaces(tmp_path: Path) -> None:
    text = (
        "# euca2ools credentials\r\n"
        "\r\n"
        "   # an indented comment\r\n"
        "AWSAccessKeyId = AKIDSPACED \r\n"
        "\r\n"
        "\tAWSSecretKey=\tsecret/with+slash=  \r\n"
    )
    put(tmp_path / ".iamrc", text)
    found = load(Flags(), {}, tmp_path)
    assert found.access_key_id == "AKIDSPACED"
    assert found.secret_key == "secret/with+slash="


def test_iamrc_first_occurrence_wins(tmp_path: Path) -> None:
    text = iamrc_text("AKIDFIRST", "secret-first") + iamrc_text("AKIDSECOND", "secret-second")
    put(tmp_path / ".iamrc", text)
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDFIRST", "secret-first")


def test_iamrc_commented_out_keys_are_ignored(tmp_path: Path) -> None:
    text = "#AWSAccessKeyId=AKIDOLD\n# AWSSecretKey=secret-old\n" + iamrc_text("AKIDNEW", "s-new")
    put(tmp_path / ".iamrc", text)
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDNEW", "s-new")


def test_parse_iamrc_details() -> None:
    parsed = parse_iamrc(
        "\ufeffnoise without equals\n"
        "export AWSAccessKeyId='AKIDQUOTED'\n"
        'AWSSecretKey="secret quoted"  # trailing comment\n'
        "Other=a#b\n"
        "Empty=\n"
    )
    assert parsed["AWSAccessKeyId"] == "AKIDQUOTED"
    assert parsed["AWSSecretKey"] == "secret quoted"
    assert parsed["Other"] == "a#b"
    assert parsed["Empty"] == ""
    assert "noise without equals" not in parsed


def test_iamrc_with_byte_order_mark(tmp_path: Path) -> None:
    put(tmp_path / ".iamrc", b"\xef\xbb\xbf" + iamrc_text("AKIDBOM", "secret-bom").encode())
    found = load(Flags(), {}, tmp_path)
    assert (found.access_key_id, found.secret_key) == ("AKIDBOM", "secret-bom")


def test_iamrc_of_exactly_the_size_limit_is_read(tmp_path: Path) -> None:
    body = iamrc_text("AKIDBIG", "secret-big")
    padding = "#" * (MAX_FILE_BYTES - len(body) - 1) + "\n"
    put(tmp_path / ".iamrc", padding + body)
    assert (tmp_path / ".iamrc").stat().st_size == MAX_FILE_BYTES
    assert load(Flags(), {}, tmp_path).access_key_id == "AKIDBIG"


# --------------------------------------------------------------------------------------------
# malformed and missing files

BAD_CONTENTS = {
    "nul": b"AWSAccessKeyId=AKID\x00\nAWSSecretKey=s\n",
    "binary": bytes(range(256)),
    "latin1": "AWSAccessKeyId=AKID\nAWSSecretKey=s\xe9cret\n".encode("latin-1"),
    "too-big": b"#" * (MAX_FILE_BYTES + 1),
}
BAD_WORDS = {
    "nul": "NUL",
    "binary": "NUL",
    "latin1": "UTF-8",
    "too-big": str(MAX_FILE_BYTES),
}


def place(tmp_path: Path, where: str) -> tuple[Path, dict[str, str]]:
    """Where a broken file goes, and the environment that makes the loader read it."""
    if where == "iamrc":
        return tmp_path / ".iamrc", {}
    if where == "named":
        path = tmp_path / "named.iamrc"
        return path, {"AWS_CREDENTIAL_FILE": str(path)}
    if where == "eucarc":
        return tmp_path / ".eucarc", {}
    assert where == "eucarc-named"
    path = tmp_path / "from-eucarc.iamrc"
    put(tmp_path / ".eucarc", f"export AWS_CREDENTIAL_FILE={path}\n")
    return path, {}


WHERE = ["iamrc", "named", "eucarc", "eucarc-named"]


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("kind", sorted(BAD_CONTENTS))
def test_malformed_file_is_one_loader_error(tmp_path: Path, where: str, kind: str) -> None:
    path, env = place(tmp_path, where)
    put(path, BAD_CONTENTS[kind])
    with pytest.raises(LoaderError) as caught:
        load(Flags(), env, tmp_path)
    assert_one_line(caught.value, str(path), BAD_WORDS[kind])
    assert isinstance(caught.value, EuareError)


@pytest.mark.parametrize("where", WHERE)
def test_directory_instead_of_file_is_one_loader_error(tmp_path: Path, where: str) -> None:
    path, env = place(tmp_path, where)
    path.mkdir()
    with pytest.raises(LoaderError) as caught:
        load(Flags(), env, tmp_path)
    assert_one_line(caught.value, str(path), "directory")


@pytest.mark.parametrize("where", WHERE)
def test_unreadable_file_is_one_loader_error(
    tmp_path: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated, so it also holds when the tests run as root (who can read anything)."""
    path, env = place(tmp_path, where)
    put(path, iamrc_text("AKID", "secret") if where != "eucarc" else eucarc_creds("AKID", "s"))
    real_open = os.open

    def guarded(name: str | os.PathLike[str], flags: int, *args: int, **kwargs: int) -> int:
        if Path(name) == path:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded)
    with pytest.raises(LoaderError) as caught:
        load(Flags(), env, tmp_path)
    assert_one_line(caught.value, str(path), "Permission denied")


def test_device_instead_of_file_is_one_loader_error(tmp_path: Path) -> None:
    with pytest.raises(LoaderError) as caught:
        load(Flags(), {"AWS_CREDENTIAL_FILE": "/dev/null"}, tmp_path)
    assert_one_line(caught.value, "/dev/null", "not a regular file")


def test_dangling_symlink_as_iamrc_is_one_loader_error(tmp_path: Path) -> None:
    (tmp_path / ".iamrc").symlink_to(tmp_path / "gone")
    with pytest.raises(LoaderError) as caught:
        load(Flags(), {}, tmp_path)
    assert_one_line(caught.value, str(tmp_path / ".iamrc"))


@pytest.mark.parametrize("where", ["named", "eucarc-named"])
def test_overlong_file_name_is_one_loader_error(tmp_path: Path, where: str) -> None:
    """A name the kernel refuses (ENAMETOOLONG) must not escape as a bare OSError."""
    long_name = tmp_path / ("x" * 400)
    if where == "named":
        env = {"AWS_CREDENTIAL_FILE": str(long_name)}
    else:
        env = {}
        put(tmp_path / ".eucarc", f"export AWS_CREDENTIAL_FILE={long_name}\n")
    with pytest.raises(LoaderError) as caught:
        load(Flags(), env, tmp_path)
    assert_one_line(caught.value, str(long_name))


def test_read_text_reports_what_it_was_reading(tmp_path: Path) -> None:
    path = put(tmp_path / "thing", b"\xff\xfe")
    with pytest.raises(LoaderError) as caught:
        read_text(path, "widget file")
    assert_one_line(caught.value, "widget file", str(path), "byte 0")
    assert read_text(put(tmp_path / "ok", "caf\u00e9\n"), "x") == "caf\u00e9\n"


def test_missing_named_credential_file_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "iamrc"
    put(tmp_path / ".iamrc", iamrc_text("AKIDIAMRC", "secret-iamrc"))
    with pytest.raises(LoaderError) as caught:
        load(Flags(), {"AWS_CREDENTIAL_FILE": str(missing)}, tmp_path)
    assert_one_line(caught.value, str(missing), "does not exist", "AWS_CREDENTIAL_FILE")


def test_missing_named_credential_file_is_fine_when_not_needed(tmp_path: Path) -> None:
    env = {**env_creds("AKIDENV", "secret-env"), "AWS_CREDENTIAL_FILE": str(tmp_path / "nope")}
    assert load(Flags(), env, tmp_path).access_key_id == "AKIDENV"


def test_missing_default_iamrc_and_eucarc_are_fine(tmp_path: Path) -> None:
    found = load(Flags(), {}, tmp_path / "no-such-home")
    assert found.access_key_id is None
    assert found.endpoint is None and found.region == DEFAULT_REGION


def test_missing_file_named_by_eucarc_is_fine(tmp_path: Path) -> None:
    missing = tmp_path / "nope.iamrc"
    put(tmp_path / ".eucarc", f"export AWS_CREDENTIAL_FILE={missing}\n")
    found = load(Flags(), {}, tmp_path)
    assert found.access_key_id is None
    assert f"{missing} ({tmp_path / '.eucarc'})" in found.looked_at


# --------------------------------------------------------------------------------------------
# endpoint


def test_endpoint_flag_beats_environment_and_eucarc(tmp_path: Path) -> None:
    put(tmp_path / ".eucarc", "export EUARE_URL=https://eucarc.example/\n")
    env = {"EUARE_URL": "https://env.example/"}
    found = load(Flags(url="https://flag.example/"), env, tmp_path)
    assert found.endpoint == "https://flag.example/"
    assert found.sources["endpoint"] == "command line (-U)"


@pytest.mark.parametrize(
    ("service", "first", "second"),
    [("iam", "EUARE_URL", "AWS_IAM_URL"), ("sts", "TOKEN_URL", "AWS_STS_URL")],
)
def test_endpoint_variables_in_order(tmp_path: Path, service: str, first: str, second: str) -> None:
    eucarc = put(
        tmp_path / ".eucarc",
        f"export {first}=https://eucarc-first.example/\n"
        f"export {second}=https://eucarc-second.example/\n",
    )
    env = {first: "https://env-first.example/", second: "https://env-second.example/"}
    found = load(Flags(), env, tmp_path, service=service)
    assert (found.endpoint, found.sources["endpoint"]) == (
        "https://env-first.example/",
        f"environment {first}",
    )
    del env[first]
    found = load(Flags(), env, tmp_path, service=service)
    assert (found.endpoint, found.sources["endpoint"]) == (
        "https://env-second.example/",
        f"environment {second}",
    )
    del env[second]
    found = load(Flags(), env, tmp_path, service=service)
    assert (found.endpoint, found.sources["endpoint"]) == (
        "https://eucarc-first.example/",
        f"{eucarc} {first}",
    )
    put(eucarc, f"export {second}=https://eucarc-second.example/\n")
    found = load(Flags(), env, tmp_path, service=service)
    assert (found.endpoint, found.sources["endpoint"]) == (
        "https://eucarc-second.example/",
        f"{eucarc} {second}",
    )
    eucarc.unlink()
    found = load(Flags(), env, tmp_path, service=service)
    assert (found.endpoint, found.sources["endpoint"]) == (None, "AWS default")
    assert found.service == service


def test_environment_second_name_beats_eucarc_first_name(tmp_path: Path) -> None:
    put(tmp_path / ".eucarc", "export EUARE_URL=https://eucarc.example/\n")
    found = load(Flags(), {"AWS_IAM_URL": "https://env-iam.example/"}, tmp_path)
    assert found.endpoint == "https://env-iam.example/"


def test_each_service_reads_only_its_own_endpoint(tmp_path: Path) -> None:
    env = {"EUARE_URL": "https://iam.example/", "TOKEN_URL": "https://sts.example/"}
    assert load(Flags(), env, tmp_path, service="iam").endpoint == "https://iam.example/"
    assert load(Flags(), env, tmp_path, service="sts").endpoint == "https://sts.example/"
    assert load(Flags(), {"EUARE_URL": "https://iam.example/"}, tmp_path, "sts").endpoint is None


@pytest.mark.parametrize("source", ["flag", "env", "eucarc"])
def test_region_prefix_in_url_sets_the_region(tmp_path: Path, source: str) -> None:
    url = "cloud-west::https://iam.west.example:8773/"
    flags = Flags(url=url) if source == "flag" else Flags()
    env = {"EUARE_URL": url} if source == "env" else {}
    if source == "eucarc":
        put(tmp_path / ".eucarc", f"export EUARE_URL={url}\n")
    env["AWS_DEFAULT_REGION"] = "region-env"
    found = load(flags, env, tmp_path)
    assert found.endpoint == "https://iam.west.example:8773/"
    assert found.region == "cloud-west"
    assert found.sources["region"] == "URL prefix (NAME::URL)"


def test_region_prefix_in_url_flag_beats_region_flag(tmp_path: Path) -> None:
    found = load(Flags(url="east2::https://e.example/", region="admin@other"), {}, tmp_path)
    assert (found.endpoint, found.region) == ("https://e.example/", "east2")


@pytest.mark.parametrize("url", ["http://[::1]:8773/services/Euare", "https://h/a::b"])
def test_urls_without_a_region_prefix_are_kept_whole(tmp_path: Path, url: str) -> None:
    found = load(Flags(url=url, region="region-flag"), {}, tmp_path)
    assert found.endpoint == url
    assert found.region == "region-flag"


# --------------------------------------------------------------------------------------------
# region


@pytest.mark.parametrize(
    ("given", "region"),
    [("region-flag", "region-flag"), ("admin@region-flag", "region-flag"), ("a@b@c", "c")],
)
def test_region_flag_beats_environment(tmp_path: Path, given: str, region: str) -> None:
    env = {"EUCA_DEFAULT_REGION": "region-euca", "AWS_DEFAULT_REGION": "region-aws"}
    found = load(Flags(region=given), env, tmp_path)
    assert found.region == region
    assert found.sources["region"] == "command line (--region)"


def test_region_flag_with_empty_region_part_falls_through(tmp_path: Path) -> None:
    found = load(Flags(region="admin@"), {"AWS_DEFAULT_REGION": "region-aws"}, tmp_path)
    assert found.region == "region-aws"


def test_region_variables_in_order(tmp_path: Path) -> None:
    eucarc = put(
        tmp_path / ".eucarc",
        "export EUCA_DEFAULT_REGION=eucarc-euca\nexport AWS_DEFAULT_REGION=eucarc-aws\n",
    )
    env = {"EUCA_DEFAULT_REGION": "env-euca", "AWS_DEFAULT_REGION": "env-aws"}
    found = load(Flags(), env, tmp_path)
    assert (found.region, found.sources["region"]) == (
        "env-euca",
        "environment EUCA_DEFAULT_REGION",
    )
    del env["EUCA_DEFAULT_REGION"]
    found = load(Flags(), env, tmp_path)
    assert (found.region, found.sources["region"]) == ("env-aws", "environment AWS_DEFAULT_REGION")
    found = load(Flags(), {}, tmp_path)
    assert (found.region, found.sources["region"]) == (
        "eucarc-euca",
        f"{eucarc} EUCA_DEFAULT_REGION",
    )
    eucarc.unlink()
    found = load(Flags(), {}, tmp_path)
    assert (found.region, found.sources["region"]) == ("us-east-1", "default")


# --------------------------------------------------------------------------------------------
# sources, all together


def test_sources_name_each_place(tmp_path: Path) -> None:
    named = put(tmp_path / "n.iamrc", iamrc_text("AKIDN", "secret-n"))
    eucarc = put(tmp_path / ".eucarc", "export AWS_IAM_URL=https://e.example/\n")
    env = {"AWS_CREDENTIAL_FILE": str(named), "AWS_DEFAULT_REGION": "r-env"}
    found = load(Flags(), env, tmp_path)
    assert found.sources == {
        "credentials": f"{named} (named by AWS_CREDENTIAL_FILE)",
        "endpoint": f"{eucarc} AWS_IAM_URL",
        "region": "environment AWS_DEFAULT_REGION",
    }
    assert isinstance(found, Settings)


# --------------------------------------------------------------------------------------------
# permission warnings


def used_credential_file(tmp_path: Path, where: str, mode: int) -> tuple[Path, dict[str, str]]:
    if where == "eucarc":
        path = put(tmp_path / ".eucarc", eucarc_creds("AKIDW", "secret-w"), mode)
        return path, {}
    path, env = place(tmp_path, where)
    put(path, iamrc_text("AKIDW", "secret-w"), mode)
    return path, env


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_group_or_world_readable_credential_file_warns(
    tmp_path: Path, where: str, mode: int
) -> None:
    path, env = used_credential_file(tmp_path, where, mode)
    found = load(Flags(), env, tmp_path)
    assert found.access_key_id == "AKIDW"
    assert len(found.warnings) == 1
    assert f"chmod 600 {path}" in found.warnings[0]
    assert str(path) in found.warnings[0]


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_private_credential_file_does_not_warn(tmp_path: Path, where: str, mode: int) -> None:
    path, env = used_credential_file(tmp_path, where, mode)
    found = load(Flags(), env, tmp_path)
    assert found.access_key_id == "AKIDW"
    assert found.warnings == []
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_unused_readable_credential_file_does_not_warn(tmp_path: Path) -> None:
    put(tmp_path / ".iamrc", iamrc_text("AKIDIAMRC", "secret-iamrc"), 0o644)
    found = load(Flags(), env_creds("AKIDENV", "secret-env"), tmp_path)
    assert found.access_key_id == "AKIDENV"
    assert found.warnings == []


# --------------------------------------------------------------------------------------------
# retries


@pytest.mark.parametrize(("raw", "value"), [("1", 1), ("3", 3), (" 12 ", 12), ("", None)])
def test_max_attempts_accepted(tmp_path: Path, raw: str, value: int | None) -> None:
    assert load(Flags(), {"AWS_MAX_ATTEMPTS": raw}, tmp_path).max_attempts == value


@pytest.mark.parametrize("raw", ["0", "-1", "1.5", "three", "0x3", "\u00b2", "1e3"])
def test_max_attempts_refused(tmp_path: Path, raw: str) -> None:
    with pytest.raises(EuareError) as caught:
        load(Flags(), {"AWS_MAX_ATTEMPTS": raw}, tmp_path)
    assert_one_line(caught.value, "AWS_MAX_ATTEMPTS", repr(raw.strip()))


@pytest.mark.parametrize("mode", ["legacy", "standard", "adaptive"])
def test_retry_mode_accepted(tmp_path: Path, mode: str) -> None:
    assert load(Flags(), {"AWS_RETRY_MODE": mode}, tmp_path).retry_mode == mode


def test_retry_mode_defaults_to_standard(tmp_path: Path) -> None:
    assert load(Flags(), {"AWS_RETRY_MODE": ""}, tmp_path).retry_mode == "standard"
    assert load(Flags(), {}, tmp_path).retry_mode == "standard"


@pytest.mark.parametrize("raw", ["fast", "Standard", "standard,legacy"])
def test_retry_mode_refused(tmp_path: Path, raw: str) -> None:
    with pytest.raises(EuareError) as caught:
        load(Flags(), {"AWS_RETRY_MODE": raw}, tmp_path)
    assert_one_line(caught.value, "AWS_RETRY_MODE", repr(raw))


# --------------------------------------------------------------------------------------------
# expand


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("~", "{home}"),
        ("~/x/y", "{home}/x/y"),
        ("~other/x", "~other/x"),
        ("a~/b", "a~/b"),
        ("$A/$B", "one/two"),
        ("${A}${B}", "onetwo"),
        ("${MISSING:-fallback}", "fallback"),
        ("${A:-fallback}", "one"),
        ("${EMPTY:-fallback}", "fallback"),
        ("$MISSING", ""),
        ("$EMPTY!", "!"),
        ("$1 and $", "$1 and $"),
        ("~/$A", "{home}/one"),
        ("${A$B}", "${{Atwo}}"),
        ("${A:-x", "${{A:-x"),
        ("${MISSING:-$B}", "$B"),
        ("${MISSING:-a}b}", "ab}}"),
        ("${A-x}", "${{A-x}}"),
        ("${}$", "${{}}$"),
        ("$A1$_", ""),
    ],
)
def test_expand(tmp_path: Path, value: str, expected: str) -> None:
    scope = {"A": "one", "B": "two", "EMPTY": ""}
    assert expand(value, scope, tmp_path) == expected.format(home=tmp_path)


# --------------------------------------------------------------------------------------------
# property: whatever the bytes, one of two outcomes

LINE_PARTS = st.sampled_from(
    [
        "AWSAccessKeyId",
        "AWSSecretKey",
        "export ",
        "EC2_ACCESS_KEY",
        "EC2_SECRET_KEY",
        "AWS_CREDENTIAL_FILE",
        "EUARE_URL",
        "AWS_DEFAULT_REGION",
        "EUCA_KEY_DIR",
        "=",
        " = ",
        "$",
        "${",
        "}",
        ":-",
        "$(",
        ")",
        "`",
        "~",
        "~/",
        "/",
        "..",
        "'",
        '"',
        "#",
        "::",
        "@",
        "\\",
        "\r\n",
        "\n",
        " ",
        "\t",
        "alias x=",
        "$(cd $(dirname ${BASH_SOURCE:-$0}); pwd -P)",
    ]
)
SHELLISH = st.lists(st.one_of(LINE_PARTS, st.text(max_size=8)), max_size=40).map(
    lambda parts: "".join(parts).encode("utf-8")
)
ANY_BYTES = st.one_of(st.binary(max_size=2048), SHELLISH)
PROPERTY = hyp_settings(
    max_examples=budget(2), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def load_or_loader_error(env: dict[str, str], home: Path) -> Settings | None:
    """Call ``load``; a LoaderError/EuareError is allowed, any other exception fails the test."""
    try:
        found = load(Flags(), env, home)
    except EuareError as err:
        assert_one_line(err)
        return None
    assert isinstance(found, Settings)
    assert found.region
    assert (found.access_key_id is None) == (found.secret_key is None)
    return found


@PROPERTY
@given(data=ANY_BYTES)
def test_any_bytes_as_iamrc(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        put(home / ".iamrc", data)
        load_or_loader_error({}, home)


@PROPERTY
@given(data=ANY_BYTES)
def test_any_bytes_as_eucarc(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        put(home / ".eucarc", data)
        load_or_loader_error({}, home)


@PROPERTY
@given(data=ANY_BYTES)
def test_any_bytes_as_named_credential_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        named = put(home / "creds" / "named", data)
        load_or_loader_error({"AWS_CREDENTIAL_FILE": str(named)}, home)


def test_eucarc_assignments_are_taken_in_order_like_a_shell(tmp_path: Path) -> None:
    """B is expanded with A's value at that line; a later A does not change it."""
    text = "A=first\nB=$A\nA=second\nQ='$A stays'\nexport EUARE_URL=http://$B/\n"
    values = parse_eucarc(text, tmp_path / ".eucarc", {}, tmp_path)
    assert values["B"] == "first" and values["A"] == "second"
    assert values["Q"] == "$A stays"
    assert values["EUARE_URL"] == "http://first/"


@pytest.mark.parametrize(
    "url", ["notaurl", "http://[::1", "http://h:99999/", "ftp://h/", "http://"]
)
def test_a_bad_endpoint_url_is_one_loader_error(tmp_path: Path, url: str) -> None:
    with pytest.raises(EuareError) as caught:
        load(Flags(url=url, access_key_id="AKID", secret_key="s"), {}, tmp_path)
    assert "\n" not in caught.value.message and "(-U)" in caught.value.message


# --------------------------------------------------------------------------------------------
# hostile files: never waited on, never grown without bound


def finishes(action: Callable[[], object], seconds: float = 5.0) -> BaseException | None:
    """Run ``action`` in a daemon thread; fail if it is still running after ``seconds`` (a FIFO
    being waited on would block the whole test run); return what it raised, if anything."""
    raised: list[BaseException] = []

    def target() -> None:
        try:
            action()
        except BaseException as exc:
            raised.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    return raised[0] if raised else None


@pytest.mark.parametrize("where", WHERE)
def test_fifo_instead_of_file_is_refused_without_waiting(tmp_path: Path, where: str) -> None:
    path, env = place(tmp_path, where)
    os.mkfifo(path)
    caught = finishes(lambda: load(Flags(), env, tmp_path))
    assert isinstance(caught, LoaderError)
    assert_one_line(caught, str(path), "pipe (FIFO)")


def test_fifo_swapped_in_after_the_check_is_not_waited_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is opened without blocking and checked again, so a FIFO put in place of the
    regular file between the check and the open is refused too."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    regular = put(tmp_path / "regular", "x").stat()
    real_stat = Path.stat

    def looks_regular(self: Path, **kwargs: bool) -> os.stat_result:
        return regular if self == fifo else real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "stat", looks_regular)
    caught = finishes(lambda: read_text(fifo, "policy document"))
    assert isinstance(caught, LoaderError)
    assert_one_line(caught, str(fifo), "pipe (FIFO)")


def test_fifo_as_ca_bundle_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "ca.pem"
    os.mkfifo(fifo)
    with pytest.raises(LoaderError) as caught:
        load(Flags(), {"AWS_CA_BUNDLE": str(fifo)}, tmp_path)
    assert_one_line(caught.value, str(fifo), "AWS_CA_BUNDLE", "pipe (FIFO)")


def test_ca_bundle_file_or_directory_is_passed_on(tmp_path: Path) -> None:
    bundle = put(tmp_path / "ca.pem", "-----BEGIN CERTIFICATE-----\n")
    assert load(Flags(), {"AWS_CA_BUNDLE": str(bundle)}, tmp_path).verify == str(bundle)
    assert load(Flags(), {"AWS_CA_BUNDLE": str(tmp_path)}, tmp_path).verify == str(tmp_path)


def bomb(levels: int, width: int = 16) -> str:
    """A eucarc of a few hundred bytes whose expansion grows ``width``-fold per line."""
    names = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    lines = ["A=xxxxxxxx"] + [
        f"{names[n]}=" + f"${names[n - 1]}" * width for n in range(1, levels + 1)
    ]
    return "\n".join(lines) + "\n"


def test_eucarc_expansion_bomb_is_refused_at_once(tmp_path: Path) -> None:
    """Ten lines, under 500 bytes, that would expand to 8 * 16**9 bytes (8 TiB) in a shell."""
    text = bomb(9)
    assert len(text) < 500
    put(tmp_path / ".eucarc", text)
    caught = finishes(lambda: load(Flags(), {}, tmp_path))
    assert isinstance(caught, LoaderError)
    assert_one_line(caught, str(tmp_path / ".eucarc"), " E ", f"{MAX_VALUE_EXPANSION // 1024} KiB")


def test_eucarc_expansion_within_the_limits_is_kept(tmp_path: Path) -> None:
    values = parse_eucarc(bomb(3), tmp_path / ".eucarc", {}, tmp_path)
    assert values["D"] == "x" * 8 * 16**3


def test_eucarc_expansion_is_bounded_in_all(tmp_path: Path) -> None:
    """Each value under the per-value limit, but together past the limit for the whole file."""
    big = "y" * (MAX_VALUE_EXPANSION // 2)
    count = MAX_EUCARC_EXPANSION // len(big) + 1
    text = f"export BIG={big}\n" + "".join(f"export C{n}=$BIG\n" for n in range(count))
    with pytest.raises(LoaderError) as caught:
        parse_eucarc(text, tmp_path / ".eucarc", {}, tmp_path)
    assert_one_line(caught.value, f"C{count - 1}", f"{MAX_EUCARC_EXPANSION // 1024} KiB in all")


@pytest.mark.parametrize("piece", ["${B:-", "${", "${B", "$"])
def test_eucarc_expansion_takes_linear_time(tmp_path: Path, piece: str) -> None:
    """A value of 1 MiB made of unclosed forms is one pass, not one rescan per ``$`` (which
    took hours for 200,000 ``${B:-`` with a regular expression)."""
    script = (
        "from pathlib import Path; from euare.core.settings import expand; "
        f"expand({piece!r} * ({MAX_FILE_BYTES} // {len(piece)}), {{}}, Path('/'))"
    )
    # A child process: a regular expression running away holds the GIL, so no thread could
    # time it out.
    subprocess.run([sys.executable, "-c", script], check=True, timeout=30)


def test_long_literal_eucarc_values_are_not_expansion(tmp_path: Path) -> None:
    """The limits count what expansion adds; a long value written out is bounded by the file."""
    literal = "z" * (MAX_VALUE_EXPANSION * 4)
    assert parse_eucarc(f"JUNK={literal}\n", tmp_path / "rc", {}, tmp_path)["JUNK"] == literal


@pytest.mark.parametrize(
    "url",
    [
        "http://iam.amazonaws.com",
        "http://iam.amazonaws.com/",
        "HTTP://IAM.AMAZONAWS.COM.",
        "http://sts.us-east-1.amazonaws.com:80/",
        "http://iam.cn-north-1.amazonaws.com.cn",
        "http://sts.us-east-1.api.aws",
        "us-east-1::http://iam.amazonaws.com",
    ],
)
def test_plain_http_to_aws_warns(tmp_path: Path, url: str) -> None:
    found = load(Flags(url=url), {}, tmp_path)
    assert len(found.warnings) == 1
    assert "plain http://" in found.warnings[0] and "https://" in found.warnings[0]


@pytest.mark.parametrize(
    "url",
    [
        "https://iam.amazonaws.com",
        "http://127.0.0.1:5000/",
        "http://iam.example.com/",
        "http://notamazonaws.com/",
        "http://amazonaws.com.evil.example/",
    ],
)
def test_https_or_other_hosts_do_not_warn(tmp_path: Path, url: str) -> None:
    assert load(Flags(url=url), {}, tmp_path).warnings == []


def test_plain_http_to_aws_from_eucarc_warns(tmp_path: Path) -> None:
    put(tmp_path / ".eucarc", "export EUARE_URL=http://iam.amazonaws.com/\n")
    assert "plain http://" in load(Flags(), {}, tmp_path).warnings[0]


def test_each_warning_is_printed_once_whichever_service_loads_it(tmp_path: Path) -> None:
    """IAM and STS settings share the credential file (its warning once), while only the STS
    endpoint is plain http:// to AWS (its warning still printed, after IAM's settings)."""
    from euare.call.context import Call

    put(tmp_path / ".iamrc", iamrc_text("AKID", "secret"), mode=0o644)
    env = {
        "HOME": str(tmp_path),
        "EUARE_URL": "https://iam.amazonaws.com",
        "TOKEN_URL": "http://sts.amazonaws.com",
    }
    call = Call("euare-x", env, io.StringIO(), io.StringIO(), io.StringIO())
    call.settings("iam")
    call.settings("sts")
    call.settings("sts")
    stderr = call.stderr
    assert isinstance(stderr, io.StringIO)
    lines = stderr.getvalue().splitlines()
    assert len(lines) == 2
    assert "chmod 600" in lines[0] and "http://sts.amazonaws.com" in lines[1]

"""Writes the scan corpus: realistic files of every layout `xkeys scan` meets (FACTS.md section 5),
filled with generated, credential-shaped values from tests/scan_values.py (never real keys).

Run from the repository root: `.venv/bin/python tests/data/scan/_generate.py`. The files are
committed; tests/test_scan_corpus.py asserts the findings of each one exactly.
"""

from __future__ import annotations

import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from scan_values import values  # noqa: E402

TEMPLATES: dict[str, str] = {}

TEMPLATES["bot.env"] = """\
# X bot settings
export TWITTER_CONSUMER_KEY=@@CK1@@
TWITTER_CONSUMER_SECRET="@@CS1@@"
TWITTER_ACCESS_TOKEN='@@AT1@@'   # the bot account
TWITTER_ACCESS_TOKEN_SECRET=@@ATS1@@ # do not share
TWITTER_BEARER_TOKEN=@@BT1@@
# old keys, rotated in March:
# TWITTER_CONSUMER_KEY=@@CK2@@
X_CLIENT_ID=@@CI1@@
X_CLIENT_SECRET=
OPENAI_API_KEY=sk-proj-Qm8Lr2TxVw9KpZy4HcN7bJd3FgA6sUe1oIiR5tWq
GITHUB_CLIENT_ID=Iv1.8a61f9b3a2f4c5d6
GITHUB_CLIENT_SECRET=4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2
TELEGRAM_BOT_TOKEN=7212345678:AAHq3XcVb9mLpT2sWnRk4YfZ8eJd1uGhIo0
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
PORT=3000
"""

TEMPLATES["placeholders.env"] = """\
TWITTER_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxx
TWITTER_API_SECRET=your-api-secret-here
TWITTER_ACCESS_TOKEN=<ACCESS TOKEN>
TWITTER_ACCESS_TOKEN_SECRET=***
TWITTER_BEARER_TOKEN=TWITTER_BEARER_TOKEN
X_CLIENT_ID=${X_CLIENT_ID}
X_CLIENT_SECRET=7Qm2XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXbT
CONSUMER_KEY=
CONSUMER_SECRET="YOUR_CONSUMER_SECRET"
TWITTER_CONSUMER_KEY=7Qm2XXXX...bT
X_ACCESS_TOKEN_SECRET=7Qm2••••••••••••••••••••••••••••••••••••••••bT
X_BEARER_TOKEN="<BEARER TOKEN>"
"""

TEMPLATES["twython_typos.env"] = """\
APP_KEY=@@CK1@@
APP_SECET=@@CS1@@
OAUTH_TOKEN=@@AT1@@
OAUTH_TOKEN_SECERT=@@ATS1@@
ACCESS_TOKEN=@@BT1@@
TWITTER_OAUTH_KEY=@@AT2@@
API_KEY_SECRET=@@CS2@@
TWITTER_API_SECRET_KEY=@@CS3@@
TWITTER_CONSUMER_KEY=@@CI2@@
"""

TEMPLATES["crlf.env"] = "X_API_KEY=@@CK3@@\r\nX_API_SECRET=@@CS3@@\r\n# X_ACCESS_TOKEN=@@AT3@@\r\n"

TEMPLATES["appsettings.json"] = """\
{
  "Logging": {
    "LogLevel": { "Default": "Information" }
  },
  "Authentication": {
    "Twitter": {
      "ConsumerAPIKey": "@@CK1@@",
      "ConsumerSecret": "@@CS1@@"
    },
    "Google": {
      "ClientId": "123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com",
      "ClientSecret": "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"
    }
  },
  "AllowedHosts": "*"
}
"""

TEMPLATES["appsettings.Development.json"] = """\
{
  // user secrets are better; these are for local runs only
  "Twitter": {
    "ConsumerKey": "@@CK3@@",
    // "ConsumerSecret": "@@CS2@@",
    "ConsumerSecret": "@@CS3@@",
  },
}
"""

TEMPLATES["bot.ini"] = """\
; settings for the posting bot
[twitter]
api_key = @@CK2@@
api_secret = @@CS2@@
bearer = @@BT2@@

[staging]
api_key = @@CK3@@
api_secret = @@CS3@@

[database]
host = localhost
password = Zq8vR2mT6kLw9PxY
"""

TEMPLATES["secrets.json"] = """\
{
  "Authentication:Twitter:ConsumerAPIKey": "@@CK2@@",
  "Authentication:Twitter:ConsumerSecret": "@@CS2@@",
  "Twitter__AccessToken": "@@AT2@@",
  "Twitter__AccessTokenSecret": "@@ATS2@@"
}
"""

TEMPLATES["xurl_legacy.json"] = """\
{
  "oauth2_tokens": {
    "alice": {
      "type": "oauth2",
      "oauth2": {
        "access_token": "@@O2A1@@",
        "refresh_token": "@@O2R1@@",
        "expiration_time": 1767225600
      }
    }
  },
  "oauth1_tokens": {
    "type": "oauth1",
    "oauth1": {
      "access_token": "@@AT1@@",
      "token_secret": "@@ATS1@@",
      "consumer_key": "@@CK1@@",
      "consumer_secret": "@@CS1@@"
    }
  },
  "bearer_token": {
    "type": "bearer",
    "bearer": "@@BT1@@"
  },
  "file_path": "/home/alice/.xurl"
}
"""

TEMPLATES["tweepy_token.json"] = """\
{"token_type": "bearer", "expires_in": 7200, "access_token": "@@O2A2@@", "scope": ["tweet.read", "users.read", "offline.access"], "refresh_token": "@@O2R2@@", "expires_at": 1767225600.5}
"""

TEMPLATES["secrets.yml"] = """\
# Be sure to restart your server when you modify this file.
development:
  secret_key_base: 3b5f1c0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c
  twitter_api_key: @@CK1@@
  twitter_api_secret: "@@CS1@@"
  twitter_access_token: @@AT1@@
  twitter_access_token_secret: @@ATS1@@

production:
  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>
  twitter_api_key: <%= ENV["TWITTER_API_KEY"] %>
  twitter_api_secret: <%= ENV.fetch("TWITTER_API_SECRET") %>
  # twitter_access_token: @@AT2@@
"""

TEMPLATES["docker-compose.yml"] = """\
version: "3.8"
services:
  bot:
    image: example/xbot:latest
    environment:
      - TWITTER_API_KEY=@@CK1@@
      - TWITTER_API_SECRET=@@CS1@@
      - "TWITTER_BEARER_TOKEN=@@BT1@@"
      - LOG_LEVEL=debug
  worker:
    image: example/worker
    environment:
      X_ACCESS_TOKEN: "@@AT1@@"
      X_ACCESS_TOKEN_SECRET: @@ATS1@@
      X_CLIENT_SECRET: ${X_CLIENT_SECRET}
      REDIS_URL: redis://redis:6379/0
"""

TEMPLATES["workflow.yml"] = """\
name: post
on:
  schedule:
    - cron: "0 9 * * *"
jobs:
  tweet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Post the daily tweet
        uses: example/post-to-x@v2
        with:
          consumer-key: ${{ secrets.TWITTER_CONSUMER_KEY }}
          consumer-secret: ${{ secrets.TWITTER_CONSUMER_SECRET }}
          access-token: @@AT1@@
          access-token-secret: ${{ secrets.TWITTER_ACCESS_TOKEN_SECRET }}
        env:
          BEARER_TOKEN: @@BT1@@
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
"""

TEMPLATES[".twurlrc"] = """\
---
profiles:
  alice:
    @@CK1@@:
      username: alice
      consumer_key: @@CK1@@
      consumer_secret: @@CS1@@
      token: @@AT1@@
      secret: @@ATS1@@
  newsbot:
    @@CK2@@:
      username: newsbot
      consumer_key: @@CK2@@
      consumer_secret: @@CS2@@
      token: @@AT2@@
      secret: @@ATS2@@
configuration:
  default_profile:
  - newsbot
  - @@CK2@@
bearer_tokens:
  @@CK2@@: @@BT2@@
"""

TEMPLATES["auth.yml"] = """\
apps:
    default:
        client_id: @@CI1@@
        client_secret: @@CSE1@@
        redirect_uri: http://localhost:8080/callback
        default_user: alice
        oauth2_tokens:
            alice:
                type: oauth2
                oauth2:
                    access_token: @@O2A1@@
                    refresh_token: @@O2R1@@
                    expiration_time: 1767225600
        oauth1_token:
            type: oauth1
            oauth1:
                access_token: @@AT1@@
                token_secret: @@ATS1@@
                consumer_key: @@CK1@@
                consumer_secret: @@CS1@@
        bearer_token:
            type: bearer
            bearer: @@BT1@@
    research:
        client_id: @@CI2@@
        client_secret: @@CSE2@@
        oauth2_tokens:
            bob:
                type: oauth2
                oauth2:
                    access_token: @@AT2@@
                    refresh_token: @@O2R2@@
                    expiration_time: 1767225600
default_app: research
"""

TEMPLATES[".twarc"] = """\
[main]
consumer_key = @@CK1@@
consumer_secret = @@CS1@@
access_token = @@AT1@@
access_token_secret = @@ATS1@@

[newsbot]
consumer_key = @@CK1@@
consumer_secret = @@CS1@@
access_token = @@AT2@@
access_token_secret = @@ATS2@@
"""

TEMPLATES["twarc2_config"] = """\
consumer_key = '@@CK3@@'
consumer_secret = '@@CS3@@'
bearer_token = '@@BT3@@'
access_token = '@@AT3@@'
access_token_secret = '@@ATS3@@'
"""

TEMPLATES["twitter4j.properties"] = """\
debug=true
oauth.consumerKey=@@CK1@@
oauth.consumerSecret=@@CS1@@
oauth.accessToken=@@AT1@@
oauth.accessTokenSecret=@@ATS1@@
"""

TEMPLATES["application.conf"] = """\
akka.loglevel = "INFO"
twitter {
  consumerKey = "@@CK2@@"
  consumerSecret = "@@CS2@@"
  accessToken = "@@AT2@@"
  accessTokenSecret = ${?TWITTER_ACCESS_TOKEN_SECRET}
}
"""

TEMPLATES["Dockerfile"] = """\
FROM python:3.12-slim
WORKDIR /app
ENV TWITTER_CONSUMER_KEY "@@CK1@@"
ENV TWITTER_CONSUMER_SECRET=@@CS1@@ TWITTER_BEARER_TOKEN=@@BT1@@
ENV PYTHONUNBUFFERED=1
CMD ["python", "bot.py"]
"""

TEMPLATES["settings.py"] = """\
import os

import tweepy

CONSUMER_KEY = "@@CK1@@"
CONSUMER_SECRET: str = '@@CS1@@'
ACCESS_TOKEN = os.getenv("ACCESS_TOKEN")
ACCESS_TOKEN_SECRET = os.environ["ACCESS_TOKEN_SECRET"]

client = tweepy.Client(bearer_token="@@BT1@@", consumer_key=CONSUMER_KEY)
# client = tweepy.Client(access_token="@@AT2@@")
"""

TEMPLATES["config.js"] = """\
// twitter-api-v2 settings
module.exports = {
  appKey: '@@CK1@@',
  appSecret: '@@CS1@@',
  accessToken: process.env.ACCESS_TOKEN,
  accessSecret: "@@ATS1@@",
  clientId: `@@CI1@@`,
};
"""

TEMPLATES["config.php"] = """\
<?php
define('CONSUMER_KEY', '@@CK1@@');
define('CONSUMER_SECRET', '@@CS1@@');
return [
    'oauth_access_token' => '@@AT1@@',
    'oauth_access_token_secret' => '@@ATS1@@',
    'consumer_key' => CONSUMER_KEY,
];
"""

TEMPLATES["twitter_oauth"] = "@@AT1@@\n@@ATS1@@\n"

TEMPLATES["portal.txt"] = """\
Consumer Keys
API Key and Secret
API Key
@@CK1@@
API Key Secret
@@CS1@@
Authentication Tokens
Bearer Token
@@BT1@@
Access Token and Secret
Created with Read and Write permissions
Access Token
@@AT1@@
Access Token Secret
@@ATS1@@
OAuth 2.0 Client ID and Client Secret
Client ID
@@CI1@@
Client Secret
@@CSE1@@
"""

TEMPLATES["portal_inline.txt"] = """\
Here are the keys from the dashboard:
API Key: @@CK2@@
API Key Secret: @@CS2@@
Bearer Token: @@BT2@@
Client ID: @@CI2@@
"""

TEMPLATES["chat.txt"] = """\
hey, the bot stopped working this morning. I ran

curl -H "Authorization: Bearer @@BT1@@" https://api.x.com/2/users/me

and got a 401. My access token is @@AT1@@ and the internationalization
settings look fine. Also tried the Grok key @@XAI1@@ but no luck.
"""


def render(template: str, vals: dict[str, str]) -> str:
    return re.sub(r"@@([A-Z0-9]+)@@", lambda m: vals[m.group(1)], template)


def main() -> None:
    vals = values()
    for name, tmpl in TEMPLATES.items():
        (HERE / name).write_bytes(render(tmpl, vals).encode("utf-8"))
    print(f"wrote {len(TEMPLATES)} files to {HERE}")


if __name__ == "__main__":
    main()

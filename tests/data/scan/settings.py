import os

import tweepy

CONSUMER_KEY = "u8jzPde0IgxLd6GncfBAepfJB"
CONSUMER_SECRET: str = 'd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBX'
ACCESS_TOKEN = os.getenv("ACCESS_TOKEN")
ACCESS_TOKEN_SECRET = os.environ["ACCESS_TOKEN_SECRET"]

client = tweepy.Client(bearer_token="AAAAAAAAAAAAAAAAAAAAAuDL7DxtpYlSXpfKtHF4vUCsMehGAkW%2Bvj7FAc9QeWJKY40uvSwM%3DFLZDe1f8rESQedUStPKR0CsTy4Qwb8DwkNh", consumer_key=CONSUMER_KEY)
# client = tweepy.Client(access_token="2489105083111986397-qdlm7tOtHWnsCGRlrwZbqcabUGJmGE")

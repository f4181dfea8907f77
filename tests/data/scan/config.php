<?php
define('CONSUMER_KEY', 'u8jzPde0IgxLd6GncfBAepfJB');
define('CONSUMER_SECRET', 'd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBX');
return [
    'oauth_access_token' => '1543758529834691082-nXsiVpzz63FfkCzJr4i0B3JrTAwR4y',
    'oauth_access_token_secret' => '9ojfljoQoaF1LlqsajAIxNKu8iS2G8NPRVdD53X83RZJz',
    'consumer_key' => CONSUMER_KEY,
];

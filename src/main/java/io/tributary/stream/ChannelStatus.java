package io.tributary.stream;

/** A channel's state; FAILED is part of the model, though nothing here fails a channel. */
public enum ChannelStatus { CREATING, ACTIVE, UPDATING, DELETING, FAILED }

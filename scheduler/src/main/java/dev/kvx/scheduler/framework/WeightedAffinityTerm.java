package dev.kvx.scheduler.framework;

/** A preferred (anti-)affinity term with its weight (upstream {@code WeightedAffinityTerm}). */
public record WeightedAffinityTerm(AffinityTerm term, int weight) {}

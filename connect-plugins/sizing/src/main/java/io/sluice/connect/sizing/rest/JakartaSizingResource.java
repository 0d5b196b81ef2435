package io.sluice.connect.sizing.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/** The sizing endpoints for workers whose REST layer is jakarta.ws.rs (Kafka 4.x). */
@Path("/sizing")
@Produces(MediaType.APPLICATION_JSON)
public class JakartaSizingResource {

    private final SizingService service;

    public JakartaSizingResource(SizingService service) {
        this.service = service;
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", MediaType.TEXT_PLAIN})
    public Response size(String workload) {
        return respond(service.size(workload));
    }

    @GET
    @Path("/connect-cluster")
    public Response connectCluster(@Context UriInfo uri) {
        Map<String, String> query = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((k, v) -> query.put(k, v.get(v.size() - 1)));
        return respond(service.connectCluster(query));
    }

    private static Response respond(SizingService.Reply reply) {
        return Response.status(reply.status()).entity(reply.json()).type(MediaType.APPLICATION_JSON).build();
    }
}

// type-graphql reads decorator metadata through Reflect.
import 'reflect-metadata';
